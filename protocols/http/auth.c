/* auth.c - Basic credentials (RFC 7617) from the options, the URL's
 * userinfo or netrc, and for the proxy from its URL. Secrets are wiped
 * from memory when freed. */
#include "protocols/http/client_impl.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "libnet/netrc.h"

/* Longest user or password we encode: far above any real one, and it
 * keeps the Authorization field well inside NET_HTTP_REQ_HEAD_MAX. */
#define HTTP_CRED_MAX 4096

static void wipe_free(char *s)
{
    if (s != NULL) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void http_creds_clear(struct http_creds *cr)
{
    wipe_free(cr->auth);
    wipe_free(cr->proxy_auth);
    cr->auth = cr->proxy_auth = NULL;
}

enum net_status http_basic_value(const char *user, const char *password, char **out,
                                 struct net_err *err)
{
    *out = NULL;
    if (password == NULL)
        password = "";
    size_t ul = strlen(user), pl = strlen(password);
    if (ul > HTTP_CRED_MAX || pl > HTTP_CRED_MAX)
        return net_err_set(err, NET_E_USAGE, "user name or password over %u bytes",
                           HTTP_CRED_MAX);
    if (net_has_ctl(user, ul) || net_has_ctl(password, pl))
        return net_err_set(err, NET_E_UNSAFE_INPUT, "the user name or password holds a CR, "
                           "LF or NUL");
    if (memchr(user, ':', ul) != NULL)
        return net_err_set(err, NET_E_USAGE, "a Basic user name cannot hold ':' "
                           "(RFC 7617)");
    size_t n = ul + 1 + pl;
    char *plain = malloc(n + 1);
    char *val = malloc(6 + 4 * ((n + 2) / 3) + 1);
    if (plain == NULL || val == NULL) {
        free(plain);
        free(val);
        return net_err_set(err, NET_E_NOMEM, "out of memory for credentials");
    }
    memcpy(plain, user, ul);
    plain[ul] = ':';
    memcpy(plain + ul + 1, password, pl);
    memcpy(val, "Basic ", 6);
    EVP_EncodeBlock((unsigned char *)val + 6, (const unsigned char *)plain, (int)n);
    OPENSSL_cleanse(plain, n);
    free(plain);
    *out = val;
    return NET_OK;
}

/* User and password from netrc for host (login given: its entry). */
static enum net_status from_netrc(const struct net_http_client *cl, const char *host,
                                  char **user, char **password, struct net_err *err)
{
    bool found = false;
    char *login = NULL, *pw = NULL;
    enum net_status st = net_netrc_lookup(cl->o.netrc_file, host, *user, &found, &login, &pw,
                                          err);
    if (st != NET_OK)
        return st;
    if (!found || (login == NULL && *user == NULL)) {
        free(login);
        wipe_free(pw);
        if (cl->o.netrc == NET_HTTP_NETRC_REQUIRED)
            return net_err_set(err, NET_E_AUTH, "no netrc entry for %s", host);
        return NET_OK;
    }
    if (*user == NULL) {
        *user = login;
        login = NULL;
    }
    free(login);
    wipe_free(*password);
    *password = pw;
    return NET_OK;
}

enum net_status http_creds_init(struct net_http_client *cl, const struct net_url *u,
                                struct http_creds *cr, struct net_err *err)
{
    if (cl->o.user != NULL)
        return http_basic_value(cl->o.user, cl->o.password, &cr->auth, err);
    char *user = NULL, *password = NULL;
    enum net_status st = net_url_credentials(u, NULL, &user, &password, err);
    if (st == NET_OK && password == NULL && cl->o.netrc != NET_HTTP_NETRC_IGNORED)
        st = from_netrc(cl, u->host, &user, &password, err);
    if (st == NET_OK && user != NULL)
        st = http_basic_value(user, password, &cr->auth, err);
    wipe_free(user);
    wipe_free(password);
    return st;
}

enum net_status http_creds_proxy(const struct net_http_proxy *proxy, struct http_creds *cr,
                                 struct net_err *err)
{
    wipe_free(cr->proxy_auth);
    cr->proxy_auth = NULL;
    if (proxy == NULL || proxy->user == NULL)
        return NET_OK;
    return http_basic_value(proxy->user, proxy->password, &cr->proxy_auth, err);
}
