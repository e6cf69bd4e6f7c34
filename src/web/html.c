/* html.c - escaping for HTML and URLs, and the frame every page shares. Every
 * string from a device or a user goes through web_esc. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "web/internal.h"

void web_esc(struct sl_buf *b, const char *s)
{
    for (; s != NULL && *s; s++) {
        switch (*s) {
        case '<': sl_buf_append_str(b, "&lt;"); break;
        case '>': sl_buf_append_str(b, "&gt;"); break;
        case '&': sl_buf_append_str(b, "&amp;"); break;
        case '"': sl_buf_append_str(b, "&quot;"); break;
        case '\'': sl_buf_append_str(b, "&#39;"); break;
        default: sl_buf_append(b, s, 1);
        }
    }
}

void web_escf(struct sl_buf *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sl_buf_append_str(b, tmp);
}

void web_cells(struct sl_buf *b, const char *const *vals, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sl_buf_append_str(b, "<td>");
        web_esc(b, vals[i]);
        sl_buf_append_str(b, "</td>");
    }
}

void web_url(struct sl_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; s != NULL && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-_.~", c) != NULL) {
            sl_buf_append(b, s, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            sl_buf_append(b, e, 3);
        }
    }
}

void web_csrf_field(struct web_req *r)
{
    sl_buf_append_str(&r->resp.body, "<input type=\"hidden\" name=\"csrf\" value=\"");
    web_esc(&r->resp.body, r->csrf);
    sl_buf_append_str(&r->resp.body, "\">");
}

void web_page_start(struct web_req *r, const char *title)
{
    struct sl_buf *b = &r->resp.body;
    r->resp.ctype = "text/html; charset=utf-8";
    sl_buf_append_str(b, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                         "<title>");
    web_esc(b, title);
    sl_buf_append_str(b, " - sightline</title><link rel=\"stylesheet\" href=\"/static/app.css\">"
                         "<script src=\"/static/app.js\" defer></script></head><body><header>"
                         "<strong>sightline</strong>");
    if (r->signed_in) {
        sl_buf_append_str(b, "<a href=\"/\">Overview</a><a href=\"/sites\">Sites</a>"
                             "<a href=\"/devices\">Devices</a>"
                             "<a href=\"/vehicles\">Vehicles</a>"
                             "<a href=\"/exemptions\">Exemptions</a>"
                             "<a href=\"/alerts\">Alerts</a>");
        if (sl_roles_have(&r->roles, SL_ROLE_AUDITOR | SL_ROLE_ADMIN))
            sl_buf_append_str(b, "<a href=\"/audit\">Audit log</a><a href=\"/agents\">Agents</a>");
        if (sl_roles_have(&r->roles, SL_ROLE_ADMIN))
            sl_buf_append_str(b, "<a href=\"/admin\">Administration</a>");
        sl_buf_append_str(b, "<span class=\"who\">");
        web_esc(b, r->user.name);
        sl_buf_append_str(b, " &middot; <a href=\"/password\">password</a></span>"
                             "<form method=\"post\" action=\"/logout\">");
        web_csrf_field(r);
        sl_buf_append_str(b, "<button class=\"link\" id=\"logout\">Sign out</button></form>");
    }
    sl_buf_append_str(b, "</header><main>");
}

void web_page_end(struct web_req *r)
{
    sl_buf_append_str(&r->resp.body, "</main></body></html>\n");
    if (r->resp.status == 0)
        r->resp.status = 200;
}
