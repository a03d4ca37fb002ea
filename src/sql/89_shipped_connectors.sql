/*
 * The connectors shipped with Reporunner (docs/connectors.md): rows
 * without an owner, version 1, readable by every role.  Each definition is
 * what save_connector() accepts (sql/100_connectors checks it).
 */
INSERT INTO reporunner.connector (owner, name, version, definition, created_by)
VALUES
	(NULL, 'slack', 1, '{
  "description": "Slack Web API: post messages, list channels. A bot token (xoxb-...) as a bearer credential.",
  "base_url": "https://slack.com/api",
  "credential": {"types": ["bearer"]},
  "headers": {"Accept": "application/json"},
  "error": {"when": "{{ $json.ok === false }}", "message": "{{ $json.error }}"},
  "error_message": "{{ $json.error }}",
  "retry_on": [429, 500, 502, 503, 504],
  "operations": {
    "chat.postMessage": {
      "description": "Post a message to a channel (https://api.slack.com/methods/chat.postMessage).",
      "method": "POST",
      "path": "/chat.postMessage",
      "params": {
        "channel": {"required": true, "description": "Channel, private group or IM channel id or name"},
        "text": {"description": "The message text; required unless blocks are given"},
        "blocks": {"description": "An array of layout blocks"},
        "thread_ts": {"description": "Timestamp of the parent message, to reply in its thread"},
        "unfurl_links": {"description": "Whether to unfurl links"}
      },
      "body": {"channel": "{{ $param.channel }}", "text": "{{ $param.text }}",
               "blocks": "{{ $param.blocks }}", "thread_ts": "{{ $param.thread_ts }}",
               "unfurl_links": "{{ $param.unfurl_links }}"}
    },
    "conversations.list": {
      "description": "List the channels of the workspace, every page (https://api.slack.com/methods/conversations.list).",
      "method": "GET",
      "path": "/conversations.list",
      "params": {
        "types": {"description": "Comma-separated: public_channel, private_channel, mpim, im"},
        "exclude_archived": {"description": "true to leave archived channels out"},
        "limit": {"description": "Channels per page (at most 1000)"}
      },
      "query": {"types": "{{ $param.types }}", "exclude_archived": "{{ $param.exclude_archived }}",
                "limit": "{{ $param.limit }}"},
      "pagination": {"type": "cursor", "param": "cursor",
                     "cursor": "{{ $json.response_metadata ? $json.response_metadata.next_cursor : null }}"},
      "items": "channels"
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid),
	(NULL, 'github', 1, '{
  "description": "GitHub REST API: issues, comments, repositories. A personal access token or app token as a bearer credential.",
  "base_url": "https://api.github.com",
  "credential": {"types": ["bearer"]},
  "headers": {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
  "error_message": "{{ $json.message }}",
  "retry_on": [429, 500, 502, 503, 504],
  "operations": {
    "issues.create": {
      "description": "Create an issue (https://docs.github.com/rest/issues/issues#create-an-issue).",
      "method": "POST",
      "path": "/repos/{{ $param.owner }}/{{ $param.repo }}/issues",
      "params": {
        "owner": {"required": true, "description": "Account that owns the repository"},
        "repo": {"required": true, "description": "Repository name"},
        "title": {"required": true, "description": "Title of the issue"},
        "body": {"description": "Contents of the issue (Markdown)"},
        "labels": {"description": "Array of label names"},
        "assignees": {"description": "Array of logins"}
      },
      "body": {"title": "{{ $param.title }}", "body": "{{ $param.body }}",
               "labels": "{{ $param.labels }}", "assignees": "{{ $param.assignees }}"}
    },
    "issues.comment": {
      "description": "Comment on an issue or pull request (https://docs.github.com/rest/issues/comments#create-an-issue-comment).",
      "method": "POST",
      "path": "/repos/{{ $param.owner }}/{{ $param.repo }}/issues/{{ $param.issue_number }}/comments",
      "params": {
        "owner": {"required": true, "description": "Account that owns the repository"},
        "repo": {"required": true, "description": "Repository name"},
        "issue_number": {"required": true, "description": "Number of the issue"},
        "body": {"required": true, "description": "Contents of the comment (Markdown)"}
      },
      "body": {"body": "{{ $param.body }}"}
    },
    "issues.list": {
      "description": "List a repository''s issues, every page by the Link header (https://docs.github.com/rest/issues/issues#list-repository-issues).",
      "method": "GET",
      "path": "/repos/{{ $param.owner }}/{{ $param.repo }}/issues",
      "params": {
        "owner": {"required": true, "description": "Account that owns the repository"},
        "repo": {"required": true, "description": "Repository name"},
        "state": {"description": "open (default), closed or all"},
        "labels": {"description": "Comma-separated label names"},
        "since": {"description": "Only issues updated at or after this ISO 8601 time"},
        "per_page": {"description": "Issues per page (at most 100)"}
      },
      "query": {"state": "{{ $param.state }}", "labels": "{{ $param.labels }}",
                "since": "{{ $param.since }}", "per_page": "{{ $param.per_page }}"},
      "pagination": {"type": "link"}
    },
    "repos.get": {
      "description": "Get a repository (https://docs.github.com/rest/repos/repos#get-a-repository).",
      "method": "GET",
      "path": "/repos/{{ $param.owner }}/{{ $param.repo }}",
      "params": {
        "owner": {"required": true, "description": "Account that owns the repository"},
        "repo": {"required": true, "description": "Repository name"}
      }
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid),
	(NULL, 'stripe', 1, '{
  "description": "Stripe API: customers, payment intents, charges. A secret key (sk_...) as a bearer credential; every request carries an Idempotency-Key.",
  "base_url": "https://api.stripe.com",
  "credential": {"types": ["bearer", "basic"]},
  "error_message": "{{ $json.error ? $json.error.message : null }}",
  "retry_on": [409, 429, 500, 502, 503, 504],
  "operations": {
    "customers.create": {
      "description": "Create a customer (https://docs.stripe.com/api/customers/create).",
      "method": "POST",
      "path": "/v1/customers",
      "body_type": "form",
      "params": {
        "email": {"description": "The customer''s email address"},
        "name": {"description": "The customer''s full name or business name"},
        "phone": {"description": "The customer''s phone number"},
        "description": {"description": "An arbitrary string"}
      },
      "body": {"email": "{{ $param.email }}", "name": "{{ $param.name }}",
               "phone": "{{ $param.phone }}", "description": "{{ $param.description }}"}
    },
    "payment_intents.create": {
      "description": "Create a payment intent (https://docs.stripe.com/api/payment_intents/create).",
      "method": "POST",
      "path": "/v1/payment_intents",
      "body_type": "form",
      "params": {
        "amount": {"required": true, "description": "Amount in the currency''s smallest unit (cents)"},
        "currency": {"required": true, "description": "Three-letter ISO currency code, lower case"},
        "customer": {"description": "Id of the customer"},
        "description": {"description": "An arbitrary string"},
        "payment_method": {"description": "Id of a payment method"},
        "confirm": {"description": "true to confirm it at once"},
        "receipt_email": {"description": "Where to send the receipt"}
      },
      "body": {"amount": "{{ $param.amount }}", "currency": "{{ $param.currency }}",
               "customer": "{{ $param.customer }}", "description": "{{ $param.description }}",
               "payment_method": "{{ $param.payment_method }}", "confirm": "{{ $param.confirm }}",
               "receipt_email": "{{ $param.receipt_email }}"}
    },
    "charges.list": {
      "description": "List charges, every page by starting_after (https://docs.stripe.com/api/charges/list).",
      "method": "GET",
      "path": "/v1/charges",
      "params": {
        "customer": {"description": "Only this customer''s charges"},
        "payment_intent": {"description": "Only this payment intent''s charges"},
        "limit": {"description": "Charges per page (1 to 100, default 10)"}
      },
      "query": {"customer": "{{ $param.customer }}", "payment_intent": "{{ $param.payment_intent }}",
                "limit": "{{ $param.limit }}"},
      "pagination": {"type": "cursor", "param": "starting_after",
                     "cursor": "{{ $json.has_more && $json.data.length > 0 ? $json.data[$json.data.length - 1].id : null }}"},
      "items": "data"
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid),
	(NULL, 'openai', 1, '{
  "description": "OpenAI''s API, or any OpenAI-compatible server (give its base_url): chat completions and embeddings. An API key as a bearer credential.",
  "base_url": "https://api.openai.com/v1",
  "credential": {"types": ["bearer"]},
  "error_message": "{{ $json.error ? $json.error.message : null }}",
  "retry_on": [429, 500, 502, 503, 504],
  "operations": {
    "chat.completions.create": {
      "description": "Generate a chat completion (https://platform.openai.com/docs/api-reference/chat/create).",
      "method": "POST",
      "path": "/chat/completions",
      "params": {
        "model": {"required": true, "description": "The model, such as gpt-4o-mini"},
        "messages": {"required": true, "description": "The conversation: an array of {role, content}"},
        "temperature": {"description": "Sampling temperature, 0 to 2"},
        "max_tokens": {"description": "Most tokens to generate"},
        "tools": {"description": "Functions the model may call"},
        "tool_choice": {"description": "none, auto, required, or a function"},
        "response_format": {"description": "{\"type\": \"json_object\"} for JSON answers"}
      },
      "body": {"model": "{{ $param.model }}", "messages": "{{ $param.messages }}",
               "temperature": "{{ $param.temperature }}", "max_tokens": "{{ $param.max_tokens }}",
               "tools": "{{ $param.tools }}", "tool_choice": "{{ $param.tool_choice }}",
               "response_format": "{{ $param.response_format }}"}
    },
    "embeddings.create": {
      "description": "Embed text (https://platform.openai.com/docs/api-reference/embeddings/create); one item per input.",
      "method": "POST",
      "path": "/embeddings",
      "params": {
        "model": {"required": true, "description": "The model, such as text-embedding-3-small"},
        "input": {"required": true, "description": "A string, or an array of strings"},
        "dimensions": {"description": "Dimensions of the embeddings, where the model allows"}
      },
      "body": {"model": "{{ $param.model }}", "input": "{{ $param.input }}",
               "dimensions": "{{ $param.dimensions }}"},
      "items": "data"
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid),
	(NULL, 'slack_webhook', 1, '{
  "description": "Slack incoming webhooks: post to the channel a webhook was made for. The webhook''s URL (https://hooks.slack.com/services/...) is the secret: a credential of type url.",
  "base_url": "https://hooks.slack.com",
  "credential": {"types": ["url"]},
  "retry_on": [429, 500, 502, 503, 504],
  "operations": {
    "send": {
      "description": "Post a message (https://api.slack.com/messaging/webhooks).",
      "method": "POST",
      "path": "/services",
      "params": {
        "text": {"description": "The message text; required unless blocks are given"},
        "blocks": {"description": "An array of layout blocks"}
      },
      "body": {"text": "{{ $param.text }}", "blocks": "{{ $param.blocks }}"}
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid);

/* aws_s3: its list answers in XML (the http node's response "xml") */
INSERT INTO reporunner.connector (owner, name, version, definition, created_by)
VALUES
	(NULL, 'aws_s3', 1, '{
  "description": "Amazon S3 and S3-compatible object stores: put, get and list objects. An aws_sigv4 credential (service s3, the bucket''s region); a node''s base_url and path_style for other stores.",
  "base_url": "https://s3.amazonaws.com",
  "host_param": "bucket",
  "credential": {"types": ["aws_sigv4"]},
  "headers": {"x-amz-content-sha256": "UNSIGNED-PAYLOAD"},
  "error_message": "{{ $json.Error ? $json.Error.Message : null }}",
  "retry_on": [429, 500, 502, 503, 504],
  "operations": {
    "objects.put": {
      "description": "Store an object (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html); out: its etag.",
      "method": "PUT",
      "path": "/{{ $param.key }}",
      "params": {
        "bucket": {"required": true, "description": "The bucket"},
        "key": {"required": true, "slashes": true, "description": "The object''s key, such as reports/2024/may.csv"},
        "body": {"required": true, "description": "The object''s content: text, or base64 with encoding base64"},
        "encoding": {"description": "text (default) or base64, as objects.get gives it"},
        "content_type": {"description": "Its Content-Type (default application/octet-stream)"}
      },
      "headers": {"Content-Type": "{{ $param.content_type }}"},
      "body": {"body": "{{ $param.body }}", "encoding": "{{ $param.encoding }}"},
      "body_type": "file",
      "response": "file"
    },
    "objects.get": {
      "description": "Fetch an object (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html): its body (text, or base64), content type and etag.",
      "method": "GET",
      "path": "/{{ $param.key }}",
      "params": {
        "bucket": {"required": true, "description": "The bucket"},
        "key": {"required": true, "slashes": true, "description": "The object''s key"}
      },
      "response": "file"
    },
    "objects.list": {
      "description": "List a bucket''s objects, every page by continuation token (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html); one item per object.",
      "method": "GET",
      "path": "/",
      "params": {
        "bucket": {"required": true, "description": "The bucket"},
        "prefix": {"description": "Only keys that start with this"},
        "delimiter": {"description": "Group keys up to this character (such as /) into CommonPrefixes, which are not items"},
        "start_after": {"description": "Only keys after this one"},
        "max_keys": {"description": "Keys per page (at most 1000)"}
      },
      "query": {"list-type": "2", "prefix": "{{ $param.prefix }}",
                "delimiter": "{{ $param.delimiter }}", "start-after": "{{ $param.start_after }}",
                "max-keys": "{{ $param.max_keys }}"},
      "response": "xml",
      "pagination": {"type": "cursor", "param": "continuation-token",
                     "cursor": "{{ $json.ListBucketResult.IsTruncated === ''true'' ? $json.ListBucketResult.NextContinuationToken : null }}"},
      "items": "ListBucketResult.Contents"
    }
  }
}', pg_catalog.to_regrole(CURRENT_USER)::oid);
