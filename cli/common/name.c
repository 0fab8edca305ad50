/* name.c - safe local names from URL paths (contract in name.h). */
#include "cli/common/name.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "libnet/url.h"

/* Why a decoded name cannot be used, or NULL when it can. */
static const char *refusal(const char *name, size_t len)
{
    if (len == 0)
        return "the URL's path ends in no file name";
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return "the name is a directory reference";
    if (len > NAME_MAX)
        return "the name is longer than a file name may be";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '/' || c == '\\')
            return "the name holds a path separator";
        if (c < 0x20 || c == 0x7f)
            return "the name holds a control byte";
    }
    return NULL;
}

enum net_status cli_name_from_url_path(const char *path, char **out,
                                       struct net_err *err)
{
    *out = NULL;
    if (path == NULL)
        path = "";
    const char *slash = strrchr(path, '/');
    const char *seg = slash ? slash + 1 : path;
    char *name;
    size_t len;
    if (net_pct_decode(seg, strlen(seg), 0, "path", &name, &len, err) != NET_OK)
        return err->status;
    const char *why = refusal(name, len);
    if (why != NULL) {
        net_err_set(err, NET_E_USAGE, "cannot use a local name from the URL: %s: ", why);
        net_err_append_quoted(err, seg, strlen(seg));
        free(name);
        return NET_E_USAGE;
    }
    *out = name;
    return NET_OK;
}
