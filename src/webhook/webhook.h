/*-------------------------------------------------------------------------
 *
 * webhook.h
 *		Inbound webhooks: registrations (on_webhook.c), checking who sent a
 *		request (verify.c), a request into an execution (delivery.c) and
 *		the HTTP listener that receives them (listener.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RR_WEBHOOK_H
#define RR_WEBHOOK_H

#include "postgres.h"

#include "crypto/credential.h"
#include "utils/jsonb.h"

/* A webhook path has at most this many bytes */
#define RR_WEBHOOK_PATH_MAX		200

/* The Stripe and Slack timestamp tolerance and when_finished's timeout */
#define RR_WEBHOOK_DEFAULT_TOLERANCE_MS	(5 * 60 * 1000)
#define RR_WEBHOOK_DEFAULT_TIMEOUT_MS	(30 * 1000)

/* A header or query parameter of a request */
typedef struct RrWebhookField
{
	char	   *name;
	char	   *value;
} RrWebhookField;

/* An HTTP request the listener received, whole */
typedef struct RrWebhookRequest
{
	const char *method;			/* "GET" or "POST" */
	const char *path;			/* what follows /webhook/ */
	RrWebhookField *headers;
	int			nheaders;
	RrWebhookField *query;
	int			nquery;
	const char *body;			/* NUL-terminated copy */
	size_t		body_len;
} RrWebhookRequest;

/* What the listener answers: a status and a JSON body */
typedef struct RrWebhookReply
{
	int			status;
	char	   *body;
	int64		execution_id;	/* queued, or 0 */
	Oid			owner;			/* its owner, which keys the look at it */
	int			wait_ms;		/* when_finished: how long to wait for it */
	bool		first_item;		/* when_finished: answer the first output item */
} RrWebhookReply;

/* How a registration authenticates requests (its options, checked) */
typedef enum RrWebhookAuth
{
	RR_WEBHOOK_AUTH_NONE,
	RR_WEBHOOK_AUTH_HEADER,
	RR_WEBHOOK_AUTH_BASIC,
	RR_WEBHOOK_AUTH_STRIPE,
	RR_WEBHOOK_AUTH_GITHUB,
	RR_WEBHOOK_AUTH_SLACK
} RrWebhookAuth;

/* A registration's options, read */
typedef struct RrWebhookOptions
{
	bool		when_finished;	/* respond when_finished, not immediately */
	bool		first_item;		/* output "first": the first item, not all */
	RrWebhookAuth auth;
	char	   *credential;		/* its name, NULL with auth none */
	int64		tolerance_ms;	/* stripe, slack */
	int64		timeout_ms;		/* when_finished */
} RrWebhookOptions;

/* Read options (ERROR 22023 naming what is wrong) */
extern void rr_webhook_options(Jsonb *options, RrWebhookOptions *parsed);

/* The credential type auth needs ("header", "basic", "bearer"), or NULL */
extern const char *rr_webhook_credential_type(RrWebhookAuth auth);

/*
 * Whether request passes the registration's authentication, checked with
 * the owner's credential (NULL with auth none); never logs a secret.
 */
extern bool rr_webhook_verify(const RrWebhookOptions *options,
							  const RrCredential *credential,
							  const RrWebhookRequest *request);

/*
 * The header of a request that holds a secret (header and basic auth),
 * kept out of the execution's input; NULL for none
 */
extern const char *rr_webhook_secret_header(const RrWebhookOptions *options,
											const RrCredential *credential);

/* A header of request (name case-insensitive), NULL when absent */
extern const char *rr_webhook_header(const RrWebhookRequest *request,
									 const char *name);

/*
 * Answer request in the current transaction: queue an execution for the
 * trigger of its path when it is authenticated and well-formed, or say
 * why not.  ERROR only for what is the server's fault.
 */
extern void rr_webhook_deliver(const RrWebhookRequest *request,
							   RrWebhookReply *reply);

/*
 * when_finished: the reply for execution id (of reply->owner) once it has ended, in the
 * current transaction; false while it has not.
 */
extern bool rr_webhook_finished(int64 execution_id, RrWebhookReply *reply);

/* The settings, and the listener registered when preloaded (_PG_init) */
extern void rr_webhook_init(void);

/*
 * Waking the listener when an execution it may wait for ends (wake.c):
 * the shared memory (while preloading, when the listener is on), the
 * listener publishing itself, and a transaction that finished an
 * execution a webhook started, at its commit.
 */
extern void rr_webhook_wake_init(void);
extern void rr_webhook_wake_publish(void);
extern void rr_webhook_wake_at_commit(void);

/* reporunner.webhook_max_body */
extern PGDLLIMPORT int rr_webhook_max_body;

#endif							/* RR_WEBHOOK_H */
