/* assets.c - the embedded stylesheet (Okabe-Ito colours, as the HTML report)
 * and the one small script: progressive enhancement only, every page works
 * without it. */
#include "web/assets.h"

#include <string.h>

static const char css[] =
    ":root{--blue:#0072B2;--orange:#E69F00;--green:#009E73;--red:#D55E00;--ink:#1b1f24;"
    "--muted:#5b6470;--line:#d7dce2;--bg:#f6f7f9}"
    "*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;color:var(--ink);margin:0}"
    "header{background:var(--ink);color:#fff;padding:8px 24px;display:flex;gap:18px;"
    "align-items:center;flex-wrap:wrap}header a{color:#fff;text-decoration:none}"
    "header .who{margin-left:auto;color:#cfd5dc}header form{display:inline}"
    "main{max-width:1200px;margin:0 auto;padding:20px 24px 48px}"
    "h1{font-size:24px;margin:8px 0 12px}h2{font-size:18px;margin:28px 0 8px;"
    "border-bottom:2px solid var(--line)}"
    "table{border-collapse:collapse;width:100%;margin:8px 0}th,td{text-align:left;padding:4px 8px;"
    "border-bottom:1px solid var(--line);vertical-align:top}th{background:var(--bg)}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".headline{background:var(--bg);border-left:6px solid var(--blue);padding:10px 16px}"
    ".error{background:#fdecea;border-left:6px solid var(--red);padding:8px 14px}"
    ".notice{background:#e8f5ee;border-left:6px solid var(--green);padding:8px 14px}"
    ".cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid var(--line);"
    "padding:10px 14px;min-width:140px}.card b{display:block;font-size:22px}"
    "form.inline{display:inline-block;margin:4px 8px 4px 0;padding:8px;border:1px solid var(--line)}"
    "label{display:block;margin:4px 0}input,select,button{font:inherit}"
    "button{background:var(--blue);color:#fff;border:0;padding:4px 12px;cursor:pointer}"
    "button.link{background:none;color:#fff;text-decoration:underline;padding:0}"
    "pre{background:var(--bg);padding:8px;overflow:auto;max-height:360px}"
    ".muted{color:var(--muted)}.ok{color:var(--green)}.bad{color:var(--red)}";

/* Filter menus submit themselves when changed (the button stays for no-JS). */
static const char js[] =
    "'use strict';\n"
    "document.addEventListener('DOMContentLoaded', function () {\n"
    "  document.querySelectorAll('form.filters select').forEach(function (s) {\n"
    "    s.addEventListener('change', function () { s.form.submit(); });\n"
    "  });\n"
    "});\n";

bool web_asset(const char *path, struct sl_buf *body, const char **ctype)
{
    if (strcmp(path, "/static/app.css") == 0) {
        *ctype = "text/css; charset=utf-8";
        return sl_buf_append(body, css, sizeof css - 1) == 0;
    }
    if (strcmp(path, "/static/app.js") == 0) {
        *ctype = "text/javascript; charset=utf-8";
        return sl_buf_append(body, js, sizeof js - 1) == 0;
    }
    return false;
}
