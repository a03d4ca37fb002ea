/*-------------------------------------------------------------------------
 *
 * address_guard.c
 *		The SSRF guard: blocked address ranges and reporunner.http_allow.
 *
 * Addresses are compared as 16-byte IPv6 addresses.  An IPv4 address is
 * taken as its IPv4-mapped form (::ffff:a.b.c.d), and so are IPv6
 * addresses that carry an IPv4 address inside (IPv4-compatible ::a.b.c.d,
 * NAT64 64:ff9b::a.b.c.d, 6to4 2002:aabb:ccdd::), so ::ffff:127.0.0.1 is
 * loopback as 127.0.0.1 is.  The check is on the address curl is about to
 * connect to, never on the host name of the URL: a name that resolves to
 * loopback, or that resolves to another address the second time (DNS
 * rebinding), is judged by what it resolved to.
 *
 * reporunner.http_allow (superuser only) lists networks ("127.0.0.1/32",
 * "10.1.0.0/16", "fd00::/8"), single addresses and host names; an address
 * in a listed network, or any address of a URL whose host is a listed
 * name, is allowed even in a blocked range.  The list is parsed once,
 * when the setting is set, into a single malloc'd block (the setting's
 * "extra"), so the check itself allocates nothing and raises nothing: it
 * runs inside curl's callbacks.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "http/address_guard.h"
#include "utils/guc.h"
#include "utils/varlena.h"

/* Longest host name in reporunner.http_allow, in bytes. */
#define HOST_NAME_LEN	253

/* A network: an address and how many leading bits of it count. */
typedef struct Network
{
	uint8		addr[16];
	int			bits;
} Network;

/* One entry of reporunner.http_allow. */
typedef struct AllowEntry
{
	bool		is_host;
	Network		network;		/* when !is_host */
	char		host[HOST_NAME_LEN + 1];	/* when is_host: lower case */
} AllowEntry;

/* The parsed list: the setting's "extra", one malloc'd block. */
typedef struct AllowList
{
	int			count;
	AllowEntry	entries[FLEXIBLE_ARRAY_MEMBER];
} AllowList;

/* A blocked range, as text, and its name for messages. */
typedef struct BlockedRange
{
	const char *network;
	const char *name;
} BlockedRange;

/*
 * Checked in order; the first match names the range.  IPv4 ranges also
 * catch the IPv6 addresses that carry an IPv4 address (see above).
 */
static const BlockedRange blocked_ranges[] = {
	{"0.0.0.0/8", "\"this network\" (0.0.0.0/8)"},
	{"10.0.0.0/8", "private (10.0.0.0/8)"},
	{"100.64.0.0/10", "shared address space (100.64.0.0/10)"},
	{"127.0.0.0/8", "loopback (127.0.0.0/8)"},
	{"169.254.0.0/16", "link-local and cloud metadata (169.254.0.0/16)"},
	{"172.16.0.0/12", "private (172.16.0.0/12)"},
	{"192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)"},
	{"192.0.2.0/24", "documentation (192.0.2.0/24)"},
	{"192.88.99.0/24", "6to4 relay anycast (192.88.99.0/24)"},
	{"192.168.0.0/16", "private (192.168.0.0/16)"},
	{"198.18.0.0/15", "benchmarking (198.18.0.0/15)"},
	{"198.51.100.0/24", "documentation (198.51.100.0/24)"},
	{"203.0.113.0/24", "documentation (203.0.113.0/24)"},
	{"224.0.0.0/4", "multicast (224.0.0.0/4)"},
	{"255.255.255.255/32", "broadcast (255.255.255.255)"},
	{"240.0.0.0/4", "reserved (240.0.0.0/4)"},
	{"::/128", "unspecified (::)"},
	{"::1/128", "loopback (::1)"},
	{"100::/64", "discard-only (100::/64)"},
	{"2001::/32", "Teredo (2001::/32)"},
	{"64:ff9b:1::/48", "local-use IPv4/IPv6 translation (64:ff9b:1::/48)"},
	{"2001:db8::/32", "documentation (2001:db8::/32)"},
	{"fc00::/7", "unique local (fc00::/7)"},
	{"fe80::/10", "link-local (fe80::/10)"},
	{"fec0::/10", "site-local (fec0::/10)"},
	{"ff00::/8", "multicast (ff00::/8)"},
};

/* blocked_ranges, parsed once by rr_address_guard_init */
static Network blocked_networks[lengthof(blocked_ranges)];

/* reporunner.http_allow, as set and as parsed */
static char *http_allow_text = NULL;
static const AllowList *http_allow = NULL;

/* Changes of reporunner.http_allow in this process, counted */
static uint64 http_allow_generation = 0;


/* ---------- Addresses ---------- */

/*
 * parse_network
 *		"a.b.c.d", "a.b.c.d/n", "v6" or "v6/n" into *network; false when it
 *		is none of those.
 */
static bool
parse_network(const char *text, Network *network)
{
	char		addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t		len = slash != NULL ? (size_t) (slash - text) : strlen(text);
	struct in_addr v4;
	int			max_bits;

	if (len == 0 || len >= sizeof(addr))
		return false;
	memcpy(addr, text, len);
	addr[len] = '\0';
	memset(network, 0, sizeof(Network));
	if (inet_pton(AF_INET, addr, &v4) == 1)
	{
		network->addr[10] = network->addr[11] = 0xff;
		memcpy(&network->addr[12], &v4, 4);
		max_bits = 32;
	}
	else if (inet_pton(AF_INET6, addr, network->addr) == 1)
		max_bits = 128;
	else
		return false;

	network->bits = max_bits;
	if (slash != NULL)
	{
		const char *digits = slash + 1;
		int			bits = 0;

		if (*digits == '\0' || strlen(digits) > 3)
			return false;
		for (; *digits != '\0'; digits++)
		{
			if (*digits < '0' || *digits > '9')
				return false;
			bits = bits * 10 + (*digits - '0');
		}
		if (bits > max_bits)
			return false;
		network->bits = bits;
	}
	/* IPv4 networks are networks of IPv4-mapped addresses */
	if (max_bits == 32)
		network->bits += 96;
	return true;
}

/*
 * in_network
 *		Whether the first bits of addr are those of network.
 */
static bool
in_network(const uint8 *addr, const Network *network)
{
	int			full = network->bits / 8;
	int			rest = network->bits % 8;

	if (memcmp(addr, network->addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((addr[full] ^ network->addr[full]) & (0xff << (8 - rest))) == 0;
}

/*
 * effective_address
 *		The address to judge for addr, as 16 bytes: an IPv4 address, or an
 *		IPv6 address carrying one, as IPv4-mapped; false for a socket that
 *		is no IP socket.
 */
static bool
effective_address(const struct sockaddr *addr, uint8 *out)
{
	static const uint8 zeros[12] = {0};
	static const uint8 nat64[12] = {0x00, 0x64, 0xff, 0x9b};
	static const uint8 translated[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	uint8		v4[4];

	if (addr->sa_family == AF_INET)
	{
		memset(out, 0, 16);
		out[10] = out[11] = 0xff;
		memcpy(&out[12], &((const struct sockaddr_in *) addr)->sin_addr, 4);
		return true;
	}
	if (addr->sa_family != AF_INET6)
		return false;
	memcpy(out, &((const struct sockaddr_in6 *) addr)->sin6_addr, 16);

	if (out[0] == 0x20 && out[1] == 0x02)
		memcpy(v4, &out[2], 4);		/* 6to4 */
	else if (memcmp(out, nat64, 12) == 0 ||
			 memcmp(out, translated, 12) == 0 ||
			 (memcmp(out, zeros, 12) == 0 &&
			  (out[12] | out[13] | out[14] | (out[15] & 0xfe)) != 0))
		memcpy(v4, &out[12], 4);	/* NAT64, SIIT (::ffff:0:a.b.c.d),
									 * IPv4-compatible (not ::, ::1) */
	else
		return true;			/* plain IPv6, or IPv4-mapped already */

	memset(out, 0, 16);
	out[10] = out[11] = 0xff;
	memcpy(&out[12], v4, 4);
	return true;
}


/* ---------- reporunner.http_allow ---------- */

/*
 * host_matches
 *		Whether the URL's host (as curl gives it, possibly with a trailing
 *		dot, in any case) is the allowed name.
 */
static bool
host_matches(const char *host, const char *allowed)
{
	size_t		len = strlen(host);

	if (len > 0 && host[len - 1] == '.')
		len--;
	return len == strlen(allowed) && pg_strncasecmp(host, allowed, len) == 0;
}

/*
 * is_allowed
 *		Whether reporunner.http_allow lets addr (effective) of host through.
 */
static bool
is_allowed(const uint8 *addr, const char *host)
{
	int			i;

	if (http_allow == NULL)
		return false;
	for (i = 0; i < http_allow->count; i++)
	{
		const AllowEntry *entry = &http_allow->entries[i];

		if (entry->is_host ? (host != NULL && host_matches(host, entry->host))
			: in_network(addr, &entry->network))
			return true;
	}
	return false;
}

/*
 * parse_host_name
 *		A host name of letters, digits, hyphens and dots into out, in lower
 *		case and without a trailing dot; false when it is none.
 */
static bool
parse_host_name(const char *text, char *out)
{
	size_t		len = strlen(text);
	size_t		i;

	if (len > 0 && text[len - 1] == '.')
		len--;
	if (len == 0 || len > HOST_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
	{
		char		c = text[i];

		if (c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  c == '-' || c == '.'))
			return false;
		out[i] = c;
	}
	out[len] = '\0';
	return true;
}

/*
 * check_http_allow
 *		GUC check hook: parse the comma-separated list into *extra.
 */
static bool
check_http_allow(char **newval, void **extra, GucSource source)
{
	char	   *copy;
	List	   *items;
	ListCell   *lc;
	AllowList  *list;

	copy = pstrdup(*newval != NULL ? *newval : "");
	if (!SplitIdentifierString(copy, ',', &items))
	{
		GUC_check_errdetail("The list must be networks and host names separated by commas.");
		return false;
	}
	list = malloc(offsetof(AllowList, entries) +
				  Max(list_length(items), 1) * sizeof(AllowEntry));
	if (list == NULL)
	{
		GUC_check_errcode(ERRCODE_OUT_OF_MEMORY);
		return false;
	}
	list->count = 0;
	foreach(lc, items)
	{
		const char *item = (const char *) lfirst(lc);
		AllowEntry *entry = &list->entries[list->count];

		memset(entry, 0, sizeof(AllowEntry));
		if (parse_network(item, &entry->network))
			entry->is_host = false;
		else if (strchr(item, '/') == NULL &&
				 parse_host_name(item, entry->host))
			entry->is_host = true;
		else
		{
			GUC_check_errdetail("\"%s\" is neither a network such as \"10.0.0.0/8\" nor a host name.",
								item);
			free(list);
			return false;
		}
		list->count++;
	}
	*extra = list;
	return true;
}

/*
 * assign_http_allow
 *		GUC assign hook: use the list check_http_allow parsed.
 */
static void
assign_http_allow(const char *newval, void *extra)
{
	http_allow_generation++;
	http_allow = (const AllowList *) extra;
}


/* ---------- The check ---------- */

const char *
rr_address_refusal(const struct sockaddr *addr, const char *host)
{
	uint8		effective[16];
	int			i;

	if (!effective_address(addr, effective))
		return "not an IP address";
	for (i = 0; i < lengthof(blocked_networks); i++)
	{
		if (in_network(effective, &blocked_networks[i]))
			return is_allowed(effective, host) ? NULL : blocked_ranges[i].name;
	}
	return NULL;
}

uint64
rr_address_guard_generation(void)
{
	return http_allow_generation;
}

void
rr_address_guard_init(void)
{
	int			i;

	for (i = 0; i < lengthof(blocked_ranges); i++)
	{
		if (!parse_network(blocked_ranges[i].network, &blocked_networks[i]))
			elog(ERROR, "bad blocked range \"%s\"", blocked_ranges[i].network);
	}

	DefineCustomStringVariable("reporunner.http_allow",
							   "Networks and host names http nodes may reach although the SSRF guard blocks them.",
							   "A comma-separated list of networks (\"127.0.0.1/32\", \"fd00::/8\"), addresses and host names.",
							   &http_allow_text,
							   "",
							   PGC_SUSET,
							   GUC_LIST_INPUT,
							   check_http_allow,
							   assign_http_allow,
							   NULL);
}
