/*-------------------------------------------------------------------------
 *
 * proxy.c
 *		Proxies of http nodes: reporunner.http_proxy_allow and the proxy
 *		options of a transfer.
 *
 * With a proxy, libcurl connects to the proxy and the proxy to the target,
 * so the SSRF guard, which judges the address libcurl connects to, would
 * judge only the proxy's.  A node may therefore name a proxy only when a
 * superuser listed it in reporunner.http_proxy_allow: that proxy is then
 * trusted to enforce the egress policy, and request.c's guard lets every
 * connection of such a transfer (all of them go to the proxy) through.
 * Without a proxy CURLOPT_PROXY is "", so http_proxy in the server's
 * environment is ignored; with one CURLOPT_NOPROXY is "", so no_proxy in
 * it cannot send a request around the proxy.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "document/document.h"
#include "http/proxy.h"
#include "utils/guc.h"
#include "utils/varlena.h"

/* reporunner.http_proxy_allow */
static char *http_proxy_allow = "";

/*
 * proxy_entries
 *		The entries of a reporunner.http_proxy_allow value, trimmed; NIL
 *		and false when it is no list.
 */
static bool
proxy_entries(const char *value, List **entries)
{
	return SplitGUCList(pstrdup(value != NULL ? value : ""), ',', entries);
}

/*
 * same_proxy
 *		Whether two valid proxy URLs name the same proxy: the same text but
 *		for case and a trailing "/".
 */
static bool
same_proxy(const char *a, const char *b)
{
	size_t		alen = strlen(a);
	size_t		blen = strlen(b);

	if (alen > 0 && a[alen - 1] == '/')
		alen--;
	if (blen > 0 && b[blen - 1] == '/')
		blen--;
	return alen == blen && pg_strncasecmp(a, b, alen) == 0;
}

/*
 * check_http_proxy_allow
 *		GUC check hook: every entry is a proxy URL a node may name.
 */
static bool
check_http_proxy_allow(char **newval, void **extra, GucSource source)
{
	List	   *entries;
	ListCell   *lc;

	if (!proxy_entries(*newval, &entries))
	{
		GUC_check_errdetail("The list must be proxy URLs separated by commas.");
		return false;
	}
	foreach(lc, entries)
	{
		const char *entry = (const char *) lfirst(lc);

		if (!rr_proxy_url_valid(entry, strlen(entry)))
		{
			GUC_check_errdetail("\"%s\" is not a proxy URL such as \"http://proxy.internal:3128\".",
								entry);
			return false;
		}
	}
	return true;
}

/*
 * check_listed
 *		proxy must be in reporunner.http_proxy_allow.
 */
static void
check_listed(const char *proxy)
{
	List	   *entries;
	ListCell   *lc;

	if (proxy_entries(http_proxy_allow, &entries))
	{
		foreach(lc, entries)
		{
			if (same_proxy(proxy, (const char *) lfirst(lc)))
				return;
		}
	}
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("proxy \"%s\" is not allowed", proxy),
			 errdetail("reporunner.http_proxy_allow does not list it; the SSRF guard cannot judge where a proxy connects."),
			 errhint("A superuser can list the proxy in reporunner.http_proxy_allow; it then decides which addresses requests through it may reach.")));
}

void
rr_http_proxy_setup(CURL *easy, const char *proxy)
{
	if (proxy != NULL)
		check_listed(proxy);
	if (curl_easy_setopt(easy, CURLOPT_PROXY, proxy != NULL ? proxy : "") != CURLE_OK ||
		curl_easy_setopt(easy, CURLOPT_NOPROXY, "") != CURLE_OK)
		elog(ERROR, "could not set the proxy of a libcurl handle");
}

void
rr_http_proxy_init(void)
{
	DefineCustomStringVariable("reporunner.http_proxy_allow",
							   "Proxies http nodes may send requests through.",
							   "A comma-separated list of proxy URLs (\"http://proxy.internal:3128\"); the SSRF guard does not judge requests sent through them.",
							   &http_proxy_allow,
							   "",
							   PGC_SUSET,
							   GUC_LIST_INPUT,
							   check_http_proxy_allow,
							   NULL,
							   NULL);
}
