/* re.c - PCRE2 with its JIT behind a small bounded interface (re.h). It
 * compiles and matches; it knows nothing of rules or of what is matched. */
#include "util/re.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JIT_STACK_MIN (32u * 1024u)
#define JIT_STACK_MAX (1024u * 1024u)
#define HEAP_LIMIT_KIB 1024u

struct sl_re {
    pcre2_code *code;
    size_t groups;
    bool jit; /* compiled by the JIT: matched by its fast path */
};

struct sl_re_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mc;
    pcre2_jit_stack *js;
};

int sl_re_compile(struct sl_re **out, const char *pattern, size_t len, unsigned flags, char *err,
                  size_t errsz)
{
    *out = NULL;
    if (len > SL_RE_MAX_PATTERN) {
        snprintf(err, errsz, "pattern longer than %u bytes", (unsigned)SL_RE_MAX_PATTERN);
        return -1;
    }
    uint32_t opts = 0;
    if (flags & SL_RE_NOCASE)
        opts |= PCRE2_CASELESS;
    if (flags & SL_RE_DOTALL)
        opts |= PCRE2_DOTALL;
    if (flags & SL_RE_ENDONLY)
        opts |= PCRE2_DOLLAR_ENDONLY;
    if (flags & SL_RE_MULTILINE)
        opts |= PCRE2_MULTILINE;
    int code;
    PCRE2_SIZE at;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)pattern, len, opts, &code, &at, NULL);
    if (c == NULL) {
        PCRE2_UCHAR msg[160];
        if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
            snprintf((char *)msg, sizeof msg, "error %d", code);
        snprintf(err, errsz, "%s at offset %zu", (const char *)msg, (size_t)at);
        return -1;
    }
    /* The JIT may be unavailable (no executable memory): the interpreter then
     * gives the same answers, more slowly. */
    bool jit = pcre2_jit_compile(c, PCRE2_JIT_COMPLETE) == 0;
    struct sl_re *re = malloc(sizeof *re);
    if (re == NULL) {
        pcre2_code_free(c);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    uint32_t n = 0;
    pcre2_pattern_info(c, PCRE2_INFO_CAPTURECOUNT, &n);
    re->code = c;
    re->groups = n;
    re->jit = jit;
    *out = re;
    return 0;
}

void sl_re_free(struct sl_re *re)
{
    if (re == NULL)
        return;
    pcre2_code_free(re->code);
    free(re);
}

size_t sl_re_groups(const struct sl_re *re) { return re->groups; }

struct sl_re_scratch *sl_re_scratch_new(void)
{
    struct sl_re_scratch *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->md = pcre2_match_data_create(SL_RE_MAX_GROUPS, NULL);
    s->mc = pcre2_match_context_create(NULL);
    s->js = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, NULL);
    if (s->md == NULL || s->mc == NULL) {
        sl_re_scratch_free(s);
        return NULL;
    }
    pcre2_set_match_limit(s->mc, SL_RE_MATCH_LIMIT);
    pcre2_set_depth_limit(s->mc, SL_RE_DEPTH_LIMIT);
    pcre2_set_heap_limit(s->mc, HEAP_LIMIT_KIB);
    if (s->js != NULL)
        pcre2_jit_stack_assign(s->mc, NULL, s->js);
    return s;
}

void sl_re_scratch_free(struct sl_re_scratch *s)
{
    if (s == NULL)
        return;
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mc);
    pcre2_jit_stack_free(s->js);
    free(s);
}

int sl_re_match(const struct sl_re *re, struct sl_re_scratch *s, const char *subject, size_t len,
                struct sl_span *groups, size_t ngroups)
{
    struct sl_re_scratch *own = NULL;
    if (s == NULL) {
        own = s = sl_re_scratch_new();
        if (s == NULL)
            return -1;
    }
    /* pcre2_jit_match skips pcre2_match's checks of the subject (UTF, which we
     * never set) and honours the same match limit and JIT stack */
    PCRE2_SPTR subj = (PCRE2_SPTR)(subject != NULL ? subject : "");
    int rc = re->jit ? pcre2_jit_match(re->code, subj, len, 0, 0, s->md, s->mc)
                     : pcre2_match(re->code, subj, len, 0, 0, s->md, s->mc);
    int result = rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
    if (result == 1 && groups != NULL) {
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
        uint32_t have = pcre2_get_ovector_count(s->md);
        for (size_t g = 0; g < ngroups; g++) {
            if (g < have && ov[2 * g] != PCRE2_UNSET && ov[2 * g] <= len && ov[2 * g + 1] <= len) {
                groups[g].so = (int)ov[2 * g];
                groups[g].eo = (int)ov[2 * g + 1];
            } else {
                groups[g].so = groups[g].eo = -1;
            }
        }
    }
    sl_re_scratch_free(own);
    return result;
}
