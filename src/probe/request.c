/* request.c - the bytes the scanner sends and, next to each protocol's builders,
 * its step plan (request.h). Builds requests; sends and parses nothing. */
#include "probe/request.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/siphash.h"

#define USER_AGENT "sightline/" SL_VERSION " (asset inventory)"

static int host_header(char *out, size_t n, const char *host, uint16_t port, uint16_t def)
{
    bool v6 = strchr(host, ':') != NULL;
    int w;
    if (port == def)
        w = snprintf(out, n, v6 ? "[%s]" : "%s", host);
    else
        w = snprintf(out, n, v6 ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

int sl_req_http_get(struct sl_buf *out, const char *host, uint16_t port, const char *path)
{
    char h[80];
    if (host_header(h, sizeof h, host, port, 80) != 0)
        return -1;
    return sl_buf_printf(out,
                         "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: " USER_AGENT
                         "\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n",
                         path, h);
}

static int build_get(struct sl_buf *out, const struct sl_step *s, const struct sl_step_ctx *c)
{
    return sl_req_http_get(out, c->host, c->port, s->path);
}

const struct sl_step sl_step_get_fallback = {"GET", "GET", "/", SL_STEP_FALLBACK, build_get};

/* Dahua's login challenge: a global.login for no user and no password. */
static const char rpc2_login_body[] =
    "{\"method\":\"global.login\",\"params\":{\"userName\":\"\",\"password\":\"\","
    "\"clientType\":\"Web3.0\",\"loginType\":\"Direct\"},\"id\":1}";

/* "POST path HTTP/1.1" with Host, the User-Agent, this Content-Type and body. */
static int http_post(struct sl_buf *out, const char *host, uint16_t port, const char *path,
                     const char *content_type, const char *body)
{
    char h[80];
    if (host_header(h, sizeof h, host, port, 80) != 0)
        return -1;
    return sl_buf_printf(out,
                         "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: " USER_AGENT
                         "\r\nContent-Type: %s\r\n"
                         "Content-Length: %zu\r\nConnection: keep-alive\r\n\r\n%s",
                         path, h, content_type, strlen(body), body);
}

int sl_req_rpc2_login(struct sl_buf *out, const char *host, uint16_t port)
{
    return http_post(out, host, port, SL_RPC2_LOGIN_PATH, "application/json", rpc2_login_body);
}

static int build_rpc2_login(struct sl_buf *out, const struct sl_step *s,
                            const struct sl_step_ctx *c)
{
    (void)s;
    return sl_req_rpc2_login(out, c->host, c->port);
}

static int soap_post(struct sl_buf *out, const char *host, uint16_t port, const char *action,
                     const char *envelope)
{
    char ct[192];
    int w = snprintf(ct, sizeof ct, "application/soap+xml; charset=utf-8; action=\"%s\"", action);
    if (w < 0 || (size_t)w >= sizeof ct)
        return -1;
    return http_post(out, host, port, SL_ONVIF_PATH, ct, envelope);
}

#define SOAP_OPEN                                                                                  \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"                                                   \
    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\""                              \
    " xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\">"

int sl_req_onvif_system_date(struct sl_buf *out, const char *host, uint16_t port)
{
    return soap_post(out, host, port, "http://www.onvif.org/ver10/device/wsdl/GetSystemDateAndTime",
                     SOAP_OPEN "<s:Body><tds:GetSystemDateAndTime/></s:Body></s:Envelope>");
}

static int b64(const unsigned char *in, size_t n, char *out, size_t outsz)
{
    if (outsz < 4 * ((n + 2) / 3) + 1)
        return -1;
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    return 0;
}

int sl_req_onvif_device_info(struct sl_buf *out, const char *host, uint16_t port,
                             const char *user, const char *password, const char *created)
{
    unsigned char nonce[16], digest[SHA_DIGEST_LENGTH];
    if (RAND_bytes(nonce, sizeof nonce) != 1)
        return -1;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c != NULL && EVP_DigestInit_ex(c, EVP_sha1(), NULL) == 1 &&
             EVP_DigestUpdate(c, nonce, sizeof nonce) == 1 &&
             EVP_DigestUpdate(c, created, strlen(created)) == 1 &&
             EVP_DigestUpdate(c, password, strlen(password)) == 1 &&
             EVP_DigestFinal_ex(c, digest, NULL) == 1;
    EVP_MD_CTX_free(c);
    if (!ok)
        return -1;
    char nonce_b64[32], digest_b64[40];
    if (b64(nonce, sizeof nonce, nonce_b64, sizeof nonce_b64) != 0 ||
        b64(digest, sizeof digest, digest_b64, sizeof digest_b64) != 0)
        return -1;
    char env[2048];
    int w = snprintf(
        env, sizeof env,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\""
        " xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\""
        " xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/"
        "oasis-200401-wss-wssecurity-secext-1.0.xsd\""
        " xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/"
        "oasis-200401-wss-wssecurity-utility-1.0.xsd\">"
        "<s:Header><wsse:Security s:mustUnderstand=\"1\"><wsse:UsernameToken>"
        "<wsse:Username>%s</wsse:Username>"
        "<wsse:Password Type=\"http://docs.oasis-open.org/wss/2004/01/"
        "oasis-200401-wss-username-token-profile-1.0#PasswordDigest\">%s</wsse:Password>"
        "<wsse:Nonce EncodingType=\"http://docs.oasis-open.org/wss/2004/01/"
        "oasis-200401-wss-soap-message-security-1.0#Base64Binary\">%s</wsse:Nonce>"
        "<wsu:Created>%s</wsu:Created></wsse:UsernameToken></wsse:Security></s:Header>"
        "<s:Body><tds:GetDeviceInformation/></s:Body></s:Envelope>",
        user, digest_b64, nonce_b64, created);
    OPENSSL_cleanse(digest, sizeof digest);
    if (w < 0 || (size_t)w >= sizeof env)
        return -1;
    return soap_post(out, host, port, "http://www.onvif.org/ver10/device/wsdl/GetDeviceInformation",
                     env);
}

static int build_onvif_date(struct sl_buf *out, const struct sl_step *s,
                            const struct sl_step_ctx *c)
{
    (void)s;
    return sl_req_onvif_system_date(out, c->host, c->port);
}

static int build_onvif_info(struct sl_buf *out, const struct sl_step *s,
                            const struct sl_step_ctx *c)
{
    (void)s;
    if (c->user == NULL || c->password == NULL || c->created == NULL)
        return -1;
    return sl_req_onvif_device_info(out, c->host, c->port, c->user, c->password, c->created);
}

#define ONVIF_DATE_STEP                                                                            \
    {"POST GetSystemDateAndTime", "POST", SL_ONVIF_PATH, SL_STEP_ONVIF, build_onvif_date}
#define ONVIF_INFO_STEP                                                                            \
    {"POST GetDeviceInformation", "POST", SL_ONVIF_PATH, SL_STEP_ONVIF | SL_STEP_CREDS,           \
     build_onvif_info}

/* Uniview's LAPI DeviceInfo (a JSON envelope, often without credentials) and
 * Dahua's RPC2 login challenge (the challenge is the answer; no credential is sent). */
#define LAPI_STEP {"GET", "GET", "/LAPI/V1.0/System/DeviceInfo", 0, build_get}
#define RPC2_LOGIN_STEP {"POST", "POST", SL_RPC2_LOGIN_PATH, 0, build_rpc2_login}

/* HTTP: the front page, vendor login pages and device-information endpoints
 * that answer (often with a 401 whose realm is itself a fingerprint) without
 * credentials, then ONVIF. */
static const struct sl_step http_plan[] = {
    {"GET", "GET", "/", 0, build_get},
    {"GET", "GET", "/doc/page/login.asp", 0, build_get},      /* Hikvision web UI */
    {"GET", "GET", "/ISAPI/System/deviceInfo", 0, build_get}, /* Hikvision ISAPI (401 + realm) */
    {"GET", "GET", "/cgi-bin/magicBox.cgi?action=getSystemInfo", 0, build_get}, /* Dahua CGI */
    LAPI_STEP,
    RPC2_LOGIN_STEP,
    {"GET", "GET", "/favicon.ico", 0, build_get},
    ONVIF_DATE_STEP,
    ONVIF_INFO_STEP,
};

/* HTTPS: the certificate comes with the handshake; then the front page and the
 * vendor endpoints whose realms name the firmware. The rest of the web UI is
 * what port 80 serves too, and every extra request over TLS can cost a
 * handshake. */
static const struct sl_step https_plan[] = {
    {"GET", "GET", "/", 0, build_get},
    {"GET", "GET", "/ISAPI/System/deviceInfo", 0, build_get},
    {"GET", "GET", "/cgi-bin/magicBox.cgi?action=getSystemInfo", 0, build_get},
    LAPI_STEP,
    RPC2_LOGIN_STEP,
    ONVIF_DATE_STEP, /* (only with credentials: it earns the credentialed step below) */
    ONVIF_INFO_STEP,
};

int sl_req_rtsp(struct sl_buf *out, const char *method, const char *host, uint16_t port,
                unsigned cseq)
{
    char h[80];
    if (host_header(h, sizeof h, host, port, 554) != 0)
        return -1;
    const char *extra = strcmp(method, "DESCRIBE") == 0 ? "Accept: application/sdp\r\n" : "";
    return sl_buf_printf(out, "%s rtsp://%s/ RTSP/1.0\r\nCSeq: %u\r\nUser-Agent: " USER_AGENT
                              "\r\n%s\r\n",
                         method, h, cseq, extra);
}

static int build_rtsp(struct sl_buf *out, const struct sl_step *s, const struct sl_step_ctx *c)
{
    return sl_req_rtsp(out, s->method, c->host, c->port, c->cseq);
}

static const struct sl_step rtsp_plan[] = {
    {"OPTIONS", "OPTIONS", "/", 0, build_rtsp},
    {"DESCRIBE", "DESCRIBE", "/", 0, build_rtsp},
};

size_t sl_probe_plan(enum sl_port_kind kind, bool have_creds, const struct sl_step **out,
                     size_t max)
{
    const struct sl_step *t;
    size_t n;
    switch (kind) {
    case SL_PK_HTTP: t = http_plan, n = sizeof http_plan / sizeof http_plan[0]; break;
    case SL_PK_HTTPS: t = https_plan, n = sizeof https_plan / sizeof https_plan[0]; break;
    case SL_PK_RTSP: t = rtsp_plan, n = sizeof rtsp_plan / sizeof rtsp_plan[0]; break;
    default: return 0;
    }
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        bool https_date = kind == SL_PK_HTTPS && (t[i].flags & SL_STEP_ONVIF) &&
                          !(t[i].flags & SL_STEP_CREDS);
        if (have_creds || !((t[i].flags & SL_STEP_CREDS) || https_date))
            out[k++] = &t[i];
    }
    return k;
}

const uint8_t sl_req_dvrip_hello[32] = {0xa1};

static const uint16_t udp_ports[SL_UDP_COUNT] = {3702, 1900, 37020, 37810};
static const char *const udp_names[SL_UDP_COUNT] = {"wsd", "ssdp", "sadp", "dhdiscover"};

uint16_t sl_udp_port(enum sl_udp_kind k) { return (unsigned)k < SL_UDP_COUNT ? udp_ports[k] : 0; }
const char *sl_udp_kind_name(enum sl_udp_kind k)
{
    return (unsigned)k < SL_UDP_COUNT ? udp_names[k] : "?";
}

void sl_probe_uuid(const uint8_t key[16], const struct sl_addr *target, enum sl_udp_kind k,
                   char out[37])
{
    uint8_t msg[18];
    memcpy(msg, target->b, 16);
    msg[16] = (uint8_t)k;
    msg[17] = 0;
    uint64_t h1 = sl_siphash24(key, msg, sizeof msg);
    msg[17] = 1;
    uint64_t h2 = sl_siphash24(key, msg, sizeof msg);
    /* A version-4-shaped UUID so devices that validate the form accept it. */
    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(h1 >> 32),
             (unsigned)((h1 >> 16) & 0xffff), (unsigned)(h1 & 0xfff),
             (unsigned)(0x8000 | ((h2 >> 48) & 0x3fff)),
             (unsigned long long)(h2 & 0xffffffffffffULL));
}

int sl_req_udp(struct sl_buf *out, enum sl_udp_kind k, const char *uuid, const char *host)
{
    switch (k) {
    case SL_UDP_WSD:
        return sl_buf_printf(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\""
            " xmlns:w=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\""
            " xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\""
            " xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\">"
            "<e:Header><w:MessageID>uuid:%s</w:MessageID>"
            "<w:To e:mustUnderstand=\"true\">urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>"
            "<w:Action e:mustUnderstand=\"true\">"
            "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header>"
            "<e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body>"
            "</e:Envelope>",
            uuid);
    case SL_UDP_SSDP: {
        bool v6 = strchr(host, ':') != NULL;
        return sl_buf_printf(out,
                             v6 ? "M-SEARCH * HTTP/1.1\r\nHOST: [%s]:1900\r\nMAN: \"ssdp:discover\"\r\n"
                                  "MX: 1\r\nST: ssdp:all\r\n\r\n"
                                : "M-SEARCH * HTTP/1.1\r\nHOST: %s:1900\r\nMAN: \"ssdp:discover\"\r\n"
                                  "MX: 1\r\nST: ssdp:all\r\n\r\n",
                             host);
    }
    case SL_UDP_SADP: {
        char up[37];
        for (size_t i = 0; i < 37; i++)
            up[i] = (char)((uuid[i] >= 'a' && uuid[i] <= 'f') ? uuid[i] - 32 : uuid[i]);
        return sl_buf_printf(out,
                             "<?xml version=\"1.0\" encoding=\"utf-8\"?><Probe><Uuid>%s</Uuid>"
                             "<Types>inquiry</Types></Probe>",
                             up);
    }
    case SL_UDP_DHDISCOVER: {
        static const char body[] = "{\"method\":\"DHDiscover.search\",\"params\":{\"mac\":\"\",\"uni\":1}}";
        uint8_t hdr[32] = {0x20, 0, 0, 0, 'D', 'H', 'I', 'P'};
        size_t n = sizeof body - 1;
        hdr[16] = hdr[24] = (uint8_t)(n & 0xff);
        hdr[17] = hdr[25] = (uint8_t)(n >> 8);
        if (sl_buf_append(out, hdr, sizeof hdr) != 0)
            return -1;
        return sl_buf_append(out, body, n);
    }
    default:
        return -1;
    }
}
