/* status.c - messages, names and classes of enum net_status; error records. */
#include "libnet/status.h"

#include <stdio.h>
#include <string.h>

struct status_info {
    const char *name;
    const char *message;
    enum net_class cls;
};

static const struct status_info status_table[NET_STATUS_COUNT] = {
    [NET_OK] = {"NET_OK", "success", NET_CLASS_OK},
    [NET_E_USAGE] = {"NET_E_USAGE", "invalid argument", NET_CLASS_USAGE},
    [NET_E_URL] = {"NET_E_URL", "malformed URL", NET_CLASS_USAGE},
    [NET_E_UNSAFE_INPUT] = {"NET_E_UNSAFE_INPUT", "CR, LF or NUL in a value bound for the wire", NET_CLASS_USAGE},
    [NET_E_NOMEM] = {"NET_E_NOMEM", "out of memory", NET_CLASS_LOCAL_IO},
    [NET_E_LOCAL_IO] = {"NET_E_LOCAL_IO", "local I/O failed", NET_CLASS_LOCAL_IO},
    [NET_E_RESOLVE] = {"NET_E_RESOLVE", "name resolution failed", NET_CLASS_RESOLVE},
    [NET_E_NO_SUCH_HOST] = {"NET_E_NO_SUCH_HOST", "no such host", NET_CLASS_RESOLVE},
    [NET_E_RESOLVE_TIMEOUT] = {"NET_E_RESOLVE_TIMEOUT", "name resolution timed out", NET_CLASS_TIMEOUT},
    [NET_E_CONNECT] = {"NET_E_CONNECT", "could not connect", NET_CLASS_CONNECT},
    [NET_E_CONNECT_TIMEOUT] = {"NET_E_CONNECT_TIMEOUT", "connect timed out", NET_CLASS_TIMEOUT},
    [NET_E_TLS] = {"NET_E_TLS", "TLS failed", NET_CLASS_TLS},
    [NET_E_TLS_VERIFY] = {"NET_E_TLS_VERIFY", "TLS certificate verification failed", NET_CLASS_TLS},
    [NET_E_STARTTLS_INJECTED] = {"NET_E_STARTTLS_INJECTED", "data arrived before the TLS upgrade (possible injection)", NET_CLASS_TLS},
    [NET_E_IDLE_TIMEOUT] = {"NET_E_IDLE_TIMEOUT", "timed out waiting for the peer", NET_CLASS_TIMEOUT},
    [NET_E_TOTAL_TIMEOUT] = {"NET_E_TOTAL_TIMEOUT", "operation took longer than the time limit", NET_CLASS_TIMEOUT},
    [NET_E_TOO_SLOW] = {"NET_E_TOO_SLOW", "transfer slower than the low-speed limit", NET_CLASS_TIMEOUT},
    [NET_E_CLOSED] = {"NET_E_CLOSED", "connection closed early (partial transfer)", NET_CLASS_PROTOCOL},
    [NET_E_RESET] = {"NET_E_RESET", "connection reset by peer", NET_CLASS_CONNECT},
    [NET_E_IO] = {"NET_E_IO", "network I/O error", NET_CLASS_CONNECT},
    [NET_E_LINE_TOO_LONG] = {"NET_E_LINE_TOO_LONG", "line too long", NET_CLASS_PROTOCOL},
    [NET_E_PROTOCOL] = {"NET_E_PROTOCOL", "protocol error", NET_CLASS_PROTOCOL},
    [NET_E_REFUSED] = {"NET_E_REFUSED", "refused by the server", NET_CLASS_REFUSED},
    [NET_E_HTTP_STATUS] = {"NET_E_HTTP_STATUS", "the server returned an error status", NET_CLASS_REFUSED},
    [NET_E_REDIRECTS] = {"NET_E_REDIRECTS", "too many redirects", NET_CLASS_PROTOCOL},
    [NET_E_REDIRECT_REFUSED] = {"NET_E_REDIRECT_REFUSED", "redirect to a scheme that is not followed", NET_CLASS_PROTOCOL},
    [NET_E_RANGE_IGNORED] = {"NET_E_RANGE_IGNORED", "the server cannot resume (range not honoured)", NET_CLASS_REFUSED},
    [NET_E_DECODE] = {"NET_E_DECODE", "content decoding failed", NET_CLASS_PROTOCOL},
    [NET_E_TOO_LARGE] = {"NET_E_TOO_LARGE", "body larger than its limit", NET_CLASS_PROTOCOL},
    [NET_E_AUTH] = {"NET_E_AUTH", "authentication failed", NET_CLASS_REFUSED},
};

static const char *const class_names[NET_CLASS_COUNT] = {
    [NET_CLASS_OK] = "ok",
    [NET_CLASS_USAGE] = "usage",
    [NET_CLASS_LOCAL_IO] = "local-io",
    [NET_CLASS_RESOLVE] = "resolve",
    [NET_CLASS_CONNECT] = "connect",
    [NET_CLASS_TLS] = "tls",
    [NET_CLASS_TIMEOUT] = "timeout",
    [NET_CLASS_PROTOCOL] = "protocol",
    [NET_CLASS_REFUSED] = "refused",
};

static const struct status_info *info(enum net_status st)
{
    static const struct status_info unknown = {"NET_E_?", "unknown error", NET_CLASS_PROTOCOL};
    if ((unsigned)st >= NET_STATUS_COUNT || status_table[st].name == NULL)
        return &unknown;
    return &status_table[st];
}

const char *net_status_str(enum net_status st) { return info(st)->message; }
const char *net_status_name(enum net_status st) { return info(st)->name; }
enum net_class net_status_class(enum net_status st) { return info(st)->cls; }

const char *net_class_name(enum net_class cls)
{
    if ((unsigned)cls >= NET_CLASS_COUNT)
        return "unknown";
    return class_names[cls];
}

void net_err_clear(struct net_err *err)
{
    if (err == NULL)
        return;
    err->status = NET_OK;
    err->text[0] = '\0';
}

/* Mark a cut text with a trailing "..." so a reader knows it was cut. */
static void mark_cut(char *text)
{
    memcpy(text + NET_ERR_TEXT_MAX - 4, "...", 4);
}

enum net_status net_err_vset(struct net_err *err, enum net_status st,
                             const char *fmt, va_list ap)
{
    if (err == NULL)
        return st;
    err->status = st;
    if (fmt == NULL || fmt[0] == '\0') {
        snprintf(err->text, sizeof err->text, "%s", net_status_str(st));
        return st;
    }
    int n = vsnprintf(err->text, sizeof err->text, fmt, ap);
    if (n < 0)
        snprintf(err->text, sizeof err->text, "%s", net_status_str(st));
    else if ((size_t)n >= sizeof err->text)
        mark_cut(err->text);
    return st;
}

enum net_status net_err_set(struct net_err *err, enum net_status st,
                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    net_err_vset(err, st, fmt, ap);
    va_end(ap);
    return st;
}

void net_err_append(struct net_err *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    size_t used = strlen(err->text);
    if (used >= sizeof err->text - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->text + used, sizeof err->text - used, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n >= sizeof err->text - used)
        mark_cut(err->text);
}

void net_err_append_quoted(struct net_err *err, const char *data, size_t len)
{
    if (err == NULL)
        return;
    net_err_append(err, "\"");
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)data[i];
        if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
            net_err_append(err, "%c", ch);
        else
            net_err_append(err, "\\x%02x", ch);
    }
    net_err_append(err, "\"");
}
