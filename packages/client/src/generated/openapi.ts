// Generated from Packyard's OpenAPI document (/docs-json) by `npm run client:types`. Do not edit.

export interface paths {
    "/api/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API keys (never the secrets), with when each was last used */
        get: operations["ApiKeysController_list"];
        put?: never;
        /**
         * Create a scoped API key for another service; the secret (pk_…) is shown only in this response
         * @description Use it as `Authorization: Bearer pk_…`. A call outside its scopes answers 403 insufficient_scope naming the missing scope.
         */
        post: operations["ApiKeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key; calls with it fail from the next request on */
        delete: operations["ApiKeysController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List customers, oldest first, with filters */
        get: operations["CustomersController_list"];
        put?: never;
        /** Create a customer and its first token (shown only in this response) */
        post: operations["CustomersController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CustomersController_get"];
        put?: never;
        post?: never;
        /** Delete a customer with its tokens and grants */
        delete: operations["CustomersController_remove"];
        options?: never;
        head?: never;
        /**
         * Change name, email, external_id, expires_at, on_expiry or billing_grace_days
         * @description A new external_id applies the billing events already received for it (late linking).
         */
        patch: operations["CustomersController_update"];
        trace?: never;
    };
    "/api/v1/customers/{id}/billing/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Release the admin hold: the status follows billing again
         * @description Applies at once what the customer's subscriptions call for (billing.status); with no subscription known, the status stays.
         */
        post: operations["CustomersController_resumeBilling"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/downloads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dist archives this customer downloaded, newest first */
        get: operations["DownloadsController_forCustomer"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A customer's history, newest first: who changed what, when, before and after */
        get: operations["HistoryController_forCustomer"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/expire": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End access (held against billing events until …/billing/resume); idempotent */
        post: operations["CustomersController_expire"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/freeze": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Lock the customer to exact versions (subscription ended, existing installs keep working) */
        post: operations["AccessController_freeze"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a customer's grants */
        get: operations["AccessController_list"];
        put?: never;
        /** Grant a package under a Composer constraint; a second grant replaces the constraint */
        post: operations["AccessController_grant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/packages/{package}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a grant; the name may be URL-encoded (vendor%2Fpackage) or plain (vendor/package) */
        delete: operations["AccessController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/reactivate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restore full access to granted packages (held against billing events); idempotent
         * @description With follow_billing: true, releases the admin hold instead and applies what the subscriptions call for.
         */
        post: operations["CustomersController_reactivate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/suspend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Block all access (held against billing events until …/billing/resume); idempotent */
        post: operations["CustomersController_suspend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a customer's tokens (never the secrets) */
        get: operations["TokensController_list"];
        put?: never;
        /** Issue an additional token; the secret is shown only in this response */
        post: operations["TokensController_issue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/{id}/tokens/{tokenId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a token; Composer requests with it fail from the next request on */
        delete: operations["TokensController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/customers/by-external/{externalId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Find a customer by the id your billing system knows it by */
        get: operations["CustomersController_byExternalId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/downloads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download counts per package (or per version with ?package=), filtered by customer and time */
        get: operations["DownloadsController_counts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** All history, newest first, filtered by type, customer and time range (also for deleted customers) */
        get: operations["HistoryController_search"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List packages by name, with their version counts */
        get: operations["PackagesController_list"];
        put?: never;
        /**
         * Publish a version from a zip
         * @description The zip holds composer.json at its root or inside a single top-level folder. The package name comes from composer.json; the version from the "version" field or composer.json. The archive is served as the dist as uploaded.
         */
        post: operations["PackagesController_publish"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/packages/{vendor}/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A package with its versions, newest first */
        get: operations["PackagesController_get"];
        put?: never;
        post?: never;
        /** Delete a package with all its versions and archives */
        delete: operations["PackagesController_deletePackage"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/packages/{vendor}/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete one version and its archive; the version may be given as published (v1.0.0) or normalized (1.0.0.0) */
        delete: operations["PackagesController_deleteVersion"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/repositories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List repositories, oldest first, with their last sync */
        get: operations["GitSourcesController_list"];
        put?: never;
        /**
         * Publish a package from a Git repository
         * @description Fetches the repository, takes the package name from composer.json on the default branch and queues the first sync: tags that are Composer versions become releases, branches dev versions. The webhook secret is shown in this response only.
         */
        post: operations["GitSourcesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/repositories/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A repository with its last sync (time, outcome, per-ref messages); never its credentials */
        get: operations["GitSourcesController_get"];
        put?: never;
        post?: never;
        /** Delete the repository and its package with every version and archive */
        delete: operations["GitSourcesController_remove"];
        options?: never;
        head?: never;
        /** Replace (or with null remove) the credentials */
        patch: operations["GitSourcesController_update"];
        trace?: never;
    };
    "/api/v1/repositories/{id}/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sync now, in the background
         * @description Returns the queued sync; while one is already queued, requests join it. Follow it with GET …/syncs/{sync_id}.
         */
        post: operations["GitSourcesController_sync"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/repositories/{id}/syncs/{syncId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One sync: status, error and what happened to each tag and branch */
        get: operations["GitSourcesController_getSync"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/repositories/{id}/webhook-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace the push webhook secret; the new one is shown in this response only */
        post: operations["GitSourcesController_rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Billing events received, newest first: what each did (outcome) and what billing called for
         * @description Filters: provider, type, outcome, customer (Packyard id or provider customer id), since/until (time of receipt).
         */
        get: operations["WebhookEventsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List webhook endpoints (never their secrets) */
        get: operations["WebhooksController_list"];
        put?: never;
        /**
         * Register an endpoint for signed event deliveries; the secret is shown only in this response
         * @description Each delivery is `POST <url>` with the event as JSON body ({id, sequence, type, occurred_at, actor, customer_id, package_name, data}) and the header `Packyard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Any 2xx answer is a success; otherwise it is retried with exponential backoff for WEBHOOK_RETRY_HOURS (24 h). Events of one endpoint go out in commit order. Deliveries are at least once: deduplicate by `id`.
         */
        post: operations["WebhooksController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{webhookId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["WebhooksController_get"];
        put?: never;
        post?: never;
        /** Remove an endpoint with its delivery log */
        delete: operations["WebhooksController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{webhookId}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Delivery log, newest event first: status, attempts, response status and timing */
        get: operations["WebhooksController_deliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send one delivery again now (same event id and body); answers with the recorded attempt */
        post: operations["WebhooksController_redeliver"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and database reachability (no authentication) */
        get: operations["HealthController_summary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is running and answering (never looks at dependencies) */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: database reachable, listening for other instances' changes, archive storage usable, not shutting down
         * @description A load balancer should send traffic only while this answers 200. During a database outage warm Composer reads are still served, but this answers 503.
         */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics (text exposition format)
         * @description Needs `Authorization: Bearer <METRICS_TOKEN>`; answers 404 when METRICS_TOKEN is not set. METRICS_PORT serves the same without a token on a separate port.
         */
        get: operations["MetricsController_scrape"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/p2/{vendor}/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Composer 2 minified metadata of one package (name.json: tagged versions, name~dev.json: dev versions) */
        get: operations["ComposerRepositoryController_metadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/packages.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Composer 2 repository root, listing the packages this customer may see */
        get: operations["ComposerRepositoryController_root"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/portal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Sign-in page, or the signed-in customer’s access */
        get: operations["PortalController_home"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/portal/access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status, subscription end, granted packages and the versions each allows */
        get: operations["PortalController_access"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/portal/downloads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The customer’s recent downloads */
        get: operations["PortalController_downloads"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/portal/packages/{vendor}/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One granted package: description, license, requirements, README, versions */
        get: operations["PortalController_package"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/portal/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Copy-ready Composer and CI configuration for this server */
        get: operations["PortalController_setup"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/portal/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with a customer token (form post); failed attempts count toward the failed-auth limits */
        post: operations["PortalController_signIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/portal/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out (form post) */
        post: operations["PortalController_signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/portal/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The customer’s tokens */
        get: operations["PortalController_tokens"];
        put?: never;
        /** Create a labelled token (shown once on the answered page) */
        post: operations["PortalController_createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/portal/tokens/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke one of the customer’s own tokens */
        post: operations["PortalController_revokeToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/git/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Push webhook of a repository (GitHub, GitLab, Bitbucket Cloud, Gitea/Forgejo)
         * @description Verified against the repository's webhook secret, then a sync is queued (pushes in a burst join one sync). Any content type; the signature is checked over the exact body.
         */
        post: operations["GitWebhookController_receive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/paddle": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Paddle Billing webhook endpoint (enabled by PADDLE_WEBHOOK_SECRET)
         * @description Keeps the subscription state (subscription.*) or payment hint (transaction.completed, transaction.paid, transaction.payment_failed of a subscription) the event reports and sets the status of the customer whose external_id is the Paddle customer id (ctm_…) to what their subscriptions call for (see the README, Billing). Each event id is used once; a replay answers 200 with replay: true, except for an event kept for a customer not linked yet, which is processed again.
         */
        post: operations["PaddleWebhookController_receive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/stripe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stripe webhook endpoint (enabled by STRIPE_WEBHOOK_SECRET)
         * @description Keeps the subscription state (customer.subscription.*) or payment hint (invoice.paid, invoice.payment_failed) the event reports and sets the status of the customer whose external_id is the Stripe customer id to what their subscriptions call for (see the README, Billing). Each event id is used once; a replay answers 200 with replay: true, except for an event kept for a customer not linked yet, which is processed again.
         */
        post: operations["StripeWebhookController_receive"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ApiKeyDto: {
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /** @example key_8Gq2Lm0Zp4Rt6Vx9Bc1D */
            id: string;
            /**
             * Format: date-time
             * @description Updated at most every few seconds
             */
            last_used_at: string | null;
            /** @example billing-service */
            name: string;
            /**
             * @description First characters of the secret, to recognise it
             * @example pk_3kQ9xZ
             */
            prefix: string;
            scopes: ("customers:read" | "customers:write" | "access:write" | "tokens:write" | "packages:read" | "packages:write" | "events:read" | "webhooks:manage" | "api-keys:manage")[];
        };
        CreateApiKeyDto: {
            /**
             * Format: date-time
             * @description Must be in the future; default: never
             * @example 2027-01-01T00:00:00Z
             */
            expires_at?: string;
            /**
             * @description Lower-case identifier; history names the key `key:<name>`
             * @example billing-service
             */
            name: string;
            /**
             * @example [
             *       "customers:read",
             *       "customers:write",
             *       "access:write"
             *     ]
             */
            scopes: ("customers:read" | "customers:write" | "access:write" | "tokens:write" | "packages:read" | "packages:write" | "events:read" | "webhooks:manage" | "api-keys:manage")[];
        };
        CreateCustomerDto: {
            /**
             * @description Days a past-due subscription keeps access before billing suspends the customer; null or absent: BILLING_GRACE_DAYS
             * @example 7
             */
            billing_grace_days?: Record<string, unknown> | null;
            /** @example dev@acme.com */
            email: string;
            /**
             * Format: date-time
             * @description End of the subscription; from this instant the customer is treated per on_expiry
             * @example 2027-01-01T00:00:00Z
             */
            expires_at?: string | null;
            /**
             * @description Id of this customer in your billing system; unique
             * @example stripe_cus_abc123
             */
            external_id?: string | null;
            /** @example Acme Corporation */
            name: string;
            /**
             * @description freeze: keep versions released before expires_at; expire: no access
             * @default freeze
             * @enum {string}
             */
            on_expiry?: "expire" | "freeze";
            /**
             * @description Whether the customer may create and revoke their own tokens in the customer portal (PORTAL_TOKEN_SELF_SERVICE=false turns it off for everyone)
             * @default true
             */
            portal_token_self_service?: boolean;
        };
        CreatedApiKeyDto: {
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /** @example key_8Gq2Lm0Zp4Rt6Vx9Bc1D */
            id: string;
            /**
             * @description The secret (Authorization: Bearer pk_…); shown only in this response
             * @example pk_3kQ9xZ…
             */
            key: string;
            /**
             * Format: date-time
             * @description Updated at most every few seconds
             */
            last_used_at: string | null;
            /** @example billing-service */
            name: string;
            /**
             * @description First characters of the secret, to recognise it
             * @example pk_3kQ9xZ
             */
            prefix: string;
            scopes: ("customers:read" | "customers:write" | "access:write" | "tokens:write" | "packages:read" | "packages:write" | "events:read" | "webhooks:manage" | "api-keys:manage")[];
        };
        CreatedCustomerDto: {
            /** Format: date-time */
            created_at: string;
            /** @example dev@acme.com */
            email: string;
            /** @example stripe_cus_abc123 */
            external_id: string | null;
            /** @example cust_4Fz9Qk2LmN8pR1sT6vW0 */
            id: string;
            /** @example Acme Corporation */
            name: string;
            /**
             * @description As applied right now: a passed expires_at counts even before the expiry sweep records it
             * @example active
             * @enum {string}
             */
            status: "active" | "suspended" | "frozen" | "expired";
            /**
             * @description Shown only in this response; store it now
             * @example tok_3kQ9xZ...
             */
            token: string;
        };
        CreatedGitSourceDto: {
            /** Format: date-time */
            created_at: string;
            /**
             * @description Which credentials are stored (never the credentials)
             * @enum {string|null}
             */
            credentials: "password" | "ssh_key" | null;
            /** @example main */
            default_branch: string | null;
            /** @example repo_4Fz9Qk2LmN8pR1sT6vW0 */
            id: string;
            /** @description The latest finished sync: its time, outcome and per-ref messages */
            last_sync: components["schemas"]["GitSyncDto"] | null;
            /**
             * @description From composer.json on the default branch
             * @example acme/widget
             */
            package: string;
            /** @description A sync queued or running now */
            pending_sync: components["schemas"]["GitSyncDto"] | null;
            /** @example https://github.com/acme/widget.git */
            url: string;
            /**
             * @description Secret of the push webhook: shown in this response only
             * @example whs_…
             */
            webhook_secret: string;
            /** @example https://packages.example.com/webhooks/git/repo_4Fz9Qk2LmN8pR1sT6vW0 */
            webhook_url: string;
        };
        CreatedWebhookDto: {
            /** Format: date-time */
            created_at: string;
            events: ("*" | "customer.created" | "customer.updated" | "customer.deleted" | "customer.status_changed" | "access.granted" | "access.updated" | "access.revoked" | "access.frozen_versions_changed" | "token.issued" | "token.revoked" | "package.version_published" | "package.version_deleted")[];
            /** @example whk_8Gq2Lm0Zp4Rt6Vx9Bc1D */
            id: string;
            /**
             * @description The signing secret; shown only in this response
             * @example whsec_…
             */
            secret: string;
            url: string;
        };
        CreateGitSourceDto: {
            /** @description Stored encrypted; never returned */
            credentials?: components["schemas"]["GitCredentialsDto"];
            /**
             * @description Any Git URL the server can reach: https://…, ssh://…, git@host:path or file:///…
             * @example https://github.com/acme/widget.git
             */
            url: string;
        };
        CreateTokenDto: {
            /**
             * Format: date-time
             * @description Must be in the future
             * @example 2027-01-01T00:00:00Z
             */
            expires_at?: string;
            /** @example CI server */
            label?: string;
        };
        CreateTokenForm: {
            /** @description The CSRF token of the session, from the hidden form field */
            _csrf?: string;
            /**
             * @description Last day the token works (UTC); empty: no expiry
             * @example 2027-01-31
             */
            expires_on?: string;
            /** @example GitHub Actions */
            label: string;
        };
        CreateWebhookDto: {
            /**
             * @description "*" for every type
             * @example [
             *       "customer.status_changed"
             *     ]
             */
            events: ("*" | "customer.created" | "customer.updated" | "customer.deleted" | "customer.status_changed" | "access.granted" | "access.updated" | "access.revoked" | "access.frozen_versions_changed" | "token.issued" | "token.revoked" | "package.version_published" | "package.version_deleted")[];
            /** @description Signing secret; default: generated (whsec_…) and shown once */
            secret?: string;
            /**
             * @description http(s) URL that receives a signed POST per event
             * @example https://billing.example.com/packyard/webhooks
             */
            url: string;
        };
        CsrfForm: {
            /** @description The CSRF token of the session, from the hidden form field */
            _csrf?: string;
        };
        CustomerBillingDto: {
            /**
             * @description admin_hold: an admin or API key set the status; billing events do not change it until POST …/billing/resume. billing: the status follows the subscriptions (status = billing.status unless expires_at passed). none: billing knows no subscription of this customer
             * @enum {string}
             */
            decision_in_force: "admin_hold" | "billing" | "none";
            /**
             * @description Per-customer grace period in days; null: BILLING_GRACE_DAYS
             * @example null
             */
            grace_days: number | null;
            /**
             * Format: date-time
             * @description When a past-due grace period ends and billing looks again
             */
            grace_ends_at: string | null;
            /** @example Stripe: subscription sub_1 is past_due (past due since …, grace period of 7 day(s) until …) */
            reason: string | null;
            /**
             * @description The status the subscriptions call for (also while held); null: none known
             * @enum {string|null}
             */
            status: "active" | "suspended" | "frozen" | "expired" | null;
        };
        CustomerDto: {
            billing: components["schemas"]["CustomerBillingDto"];
            /** Format: date-time */
            created_at: string;
            /** @example dev@acme.com */
            email: string;
            /**
             * Format: date-time
             * @example null
             */
            expires_at: string | null;
            /** @example stripe_cus_abc123 */
            external_id: string | null;
            /** @example cust_4Fz9Qk2LmN8pR1sT6vW0 */
            id: string;
            /** @example Acme Corporation */
            name: string;
            /**
             * @example freeze
             * @enum {string}
             */
            on_expiry: "expire" | "freeze";
            /**
             * @description May create and revoke their own tokens in the customer portal
             * @example true
             */
            portal_token_self_service: boolean;
            /**
             * @description As applied right now: a passed expires_at counts even before the expiry sweep records it
             * @example active
             * @enum {string}
             */
            status: "active" | "suspended" | "frozen" | "expired";
            /**
             * Format: date-time
             * @example null
             */
            status_changed_at: string | null;
            /** @example null */
            status_reason: string | null;
            /** Format: date-time */
            updated_at: string;
        };
        CustomerPageDto: {
            data: components["schemas"]["CustomerDto"][];
            /** @example 50 */
            limit: number;
            /** @example 0 */
            offset: number;
            /** @example 1 */
            total: number;
        };
        DownloadCountDto: {
            /** @example 42 */
            downloads: number;
            /** Format: date-time */
            last_downloaded_at: string;
            /** @example acme/widget */
            package: string;
            /**
             * @description Present when counting per version
             * @example 2.1.0
             */
            version?: string;
        };
        DownloadDto: {
            /** Format: date-time */
            downloaded_at: string;
            /** @example acme/widget */
            package: string;
            /** @example tkn_8Gq2Lm0Zp4Rt6Vx9Bc1D */
            token_id: string | null;
            /** @example 2.1.0 */
            version: string;
        };
        DownloadPageDto: {
            data: components["schemas"]["DownloadDto"][];
            /** @example 50 */
            limit: number;
            /** @example 0 */
            offset: number;
            /** @example 1 */
            total: number;
        };
        ErrorResponseDto: {
            /**
             * @description Extra facts about the error; validation errors list the fields
             * @example {
             *       "fields": [
             *         {
             *           "field": "email",
             *           "problems": [
             *             "email must be an email"
             *           ]
             *         }
             *       ]
             *     }
             */
            details?: Record<string, unknown>;
            /**
             * @description Stable machine-readable code
             * @example customer_not_found
             */
            error: string;
            /** @example No customer with id "cust_abc" */
            message: string;
            /** @example 404 */
            statusCode: number;
        };
        EventDto: {
            /**
             * @description admin, key:<api key name>, stripe, paddle, system, or internal:<service>
             * @example admin
             */
            actor: string;
            /**
             * @example {
             *       "status": "suspended",
             *       "reason": "Payment failed"
             *     }
             */
            after: Record<string, unknown> | null;
            /**
             * @example {
             *       "status": "active"
             *     }
             */
            before: Record<string, unknown> | null;
            /** @example cust_4Fz9Qk2LmN8pR1sT6vW0 */
            customer_id: string;
            /** @example 42 */
            id: string;
            /** Format: date-time */
            occurred_at: string;
            /**
             * @description The billing provider event that caused the change
             * @example evt_1QXyZ2AbCdEfGhIj
             */
            provider_event_id: string | null;
            /** @enum {string} */
            type: "customer.created" | "customer.updated" | "customer.deleted" | "customer.status_changed" | "customer.frozen_versions_changed" | "grant.created" | "grant.updated" | "grant.revoked" | "token.issued" | "token.revoked";
        };
        EventPageDto: {
            data: components["schemas"]["EventDto"][];
            /** @example 50 */
            limit: number;
            /** @example 0 */
            offset: number;
            /** @example 1 */
            total: number;
        };
        FreezeCustomerDto: {
            /**
             * @description Kept for the admin; never shown to the customer
             * @example Subscription ended
             */
            reason?: string;
            /** @description The exact (package, version) pairs the customer keeps; without it, every version they can access now */
            versions?: components["schemas"]["PackageVersionDto"][];
        };
        FrozenCustomerDto: {
            billing: components["schemas"]["CustomerBillingDto"];
            /** Format: date-time */
            created_at: string;
            /** @example dev@acme.com */
            email: string;
            /**
             * Format: date-time
             * @example null
             */
            expires_at: string | null;
            /** @example stripe_cus_abc123 */
            external_id: string | null;
            frozen_versions: components["schemas"]["FrozenVersionDto"][];
            /** @example cust_4Fz9Qk2LmN8pR1sT6vW0 */
            id: string;
            /** @example Acme Corporation */
            name: string;
            /**
             * @example freeze
             * @enum {string}
             */
            on_expiry: "expire" | "freeze";
            /**
             * @description May create and revoke their own tokens in the customer portal
             * @example true
             */
            portal_token_self_service: boolean;
            /**
             * @description As applied right now: a passed expires_at counts even before the expiry sweep records it
             * @example active
             * @enum {string}
             */
            status: "active" | "suspended" | "frozen" | "expired";
            /**
             * Format: date-time
             * @example null
             */
            status_changed_at: string | null;
            /** @example null */
            status_reason: string | null;
            /** Format: date-time */
            updated_at: string;
        };
        FrozenVersionDto: {
            /** @example vendor/package */
            package: string;
            /** @example 2.0.0 */
            version: string;
        };
        GitCredentialsDto: {
            /**
             * @description HTTPS access token or password (for https:// URLs)
             * @example ghp_…
             */
            password?: string;
            /**
             * @description SSH private key without a passphrase, e.g. a read-only deploy key (for ssh:// and git@host:path URLs)
             * @example -----BEGIN OPENSSH PRIVATE KEY-----
             *     …
             *     -----END OPENSSH PRIVATE KEY-----
             */
            ssh_key?: string;
            /**
             * @description HTTPS username; default "x-access-token" (works with GitHub and GitLab tokens; Bitbucket app passwords need your username)
             * @example x-access-token
             */
            username?: string;
        };
        GitSourceDto: {
            /** Format: date-time */
            created_at: string;
            /**
             * @description Which credentials are stored (never the credentials)
             * @enum {string|null}
             */
            credentials: "password" | "ssh_key" | null;
            /** @example main */
            default_branch: string | null;
            /** @example repo_4Fz9Qk2LmN8pR1sT6vW0 */
            id: string;
            /** @description The latest finished sync: its time, outcome and per-ref messages */
            last_sync: components["schemas"]["GitSyncDto"] | null;
            /**
             * @description From composer.json on the default branch
             * @example acme/widget
             */
            package: string;
            /** @description A sync queued or running now */
            pending_sync: components["schemas"]["GitSyncDto"] | null;
            /** @example https://github.com/acme/widget.git */
            url: string;
            /** @example https://packages.example.com/webhooks/git/repo_4Fz9Qk2LmN8pR1sT6vW0 */
            webhook_url: string;
        };
        GitSourcePageDto: {
            data: components["schemas"]["GitSourceDto"][];
            /** @example 50 */
            limit: number;
            /** @example 0 */
            offset: number;
            /** @example 1 */
            total: number;
        };
        GitSyncDto: {
            /**
             * @description Why the whole sync failed; the previous versions were kept
             * @example fetch failed: remote: Invalid username or password.
             */
            error: string | null;
            /** Format: date-time */
            finished_at: string | null;
            /** @example sync_4Fz9Qk2LmN8pR1sT6vW0 */
            id: string;
            /** @description What happened to each tag and branch */
            refs: components["schemas"]["RefReportDto"][];
            /** @example repo_4Fz9Qk2LmN8pR1sT6vW0 */
            repository_id: string;
            /** Format: date-time */
            requested_at: string;
            /** Format: date-time */
            started_at: string | null;
            /**
             * @description queued and running end in succeeded (per-ref problems are in refs) or failed
             * @enum {string}
             */
            status: "queued" | "running" | "succeeded" | "failed";
            /** @enum {string} */
            trigger: "created" | "manual" | "webhook" | "schedule";
        };
        GitWebhookDeliveryDto: {
            /** @example true */
            received: boolean;
            /**
             * @description The sync this push joined; null for a ping
             * @example sync_4Fz9Qk2LmN8pR1sT6vW0
             */
            sync_id: string | null;
        };
        GrantAccessDto: {
            /**
             * @description A Composer version constraint: *, ^2.0, ~1.2, >=1.0 <3.0, 1.0.*, 2.0.0, ^1.0 || ^2.0, …
             * @example ^2.0
             */
            constraint: string;
            /** @example vendor/package */
            package: string;
        };
        GrantDto: {
            /** @example ^2.0 */
            constraint: string;
            /** Format: date-time */
            created_at: string;
            /** @example vendor/package */
            package: string;
            /** Format: date-time */
            updated_at: string;
        };
        HealthDto: {
            /** @enum {string} */
            database: "up" | "down";
            /** @enum {string} */
            status: "ok" | "unavailable";
        };
        IssuedTokenDto: {
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /** @example tkn_8Gq2Lm0Zp4Rt6Vx9Bc1D */
            id: string;
            /** @example CI server */
            label: string | null;
            /** Format: date-time */
            last_used_at: string | null;
            /**
             * @description First characters of the token, to recognise it
             * @example tok_3kQ9xZ
             */
            prefix: string;
            /**
             * @description The secret; shown only in this response
             * @example tok_3kQ9xZ...
             */
            token: string;
        };
        PackageDetailDto: {
            /**
             * Format: date-time
             * @description Last publish or delete of a version (Last-Modified of its metadata)
             */
            contents_changed_at: string;
            /** Format: date-time */
            created_at: string;
            /** @example acme/widget */
            name: string;
            /**
             * @description The Git repository it is published from; null: published by upload
             * @example null
             */
            repository_id: string | null;
            /** @example 3 */
            version_count: number;
            /** @description Newest first, in Composer's order */
            versions: components["schemas"]["PublishedVersionDto"][];
        };
        PackagePageDto: {
            data: components["schemas"]["PackageSummaryDto"][];
            /** @example 50 */
            limit: number;
            /** @example 0 */
            offset: number;
            /** @example 1 */
            total: number;
        };
        PackageSummaryDto: {
            /**
             * Format: date-time
             * @description Last publish or delete of a version (Last-Modified of its metadata)
             */
            contents_changed_at: string;
            /** Format: date-time */
            created_at: string;
            /** @example acme/widget */
            name: string;
            /**
             * @description The Git repository it is published from; null: published by upload
             * @example null
             */
            repository_id: string | null;
            /** @example 3 */
            version_count: number;
        };
        PackageVersionDto: {
            /** @example vendor/package */
            package: string;
            /** @example 2.0.0 */
            version: string;
        };
        ProbeDto: {
            /** @description Every check, by name */
            details: Record<string, unknown>;
            /**
             * @description Checks that are down, by name
             * @example {}
             */
            error: Record<string, unknown>;
            /**
             * @description Checks that are up, by name
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info: Record<string, unknown>;
            /** @enum {string} */
            status: "ok" | "error";
        };
        PublishedVersionDto: {
            /**
             * @description The archive's composer.json as uploaded
             * @example {
             *       "name": "acme/widget",
             *       "require": {
             *         "php": ">=8.1"
             *       },
             *       "autoload": {
             *         "psr-4": {
             *           "Acme\\": "src/"
             *         }
             *       }
             *     }
             */
            composer_json: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            created_at: string;
            /**
             * @description The Git repository's default branch (default-branch in the metadata)
             * @example false
             */
            default_branch: boolean;
            /**
             * @description Commit of a version synced from Git (its dist.reference); null for an upload
             * @example null
             */
            git_reference: string | null;
            /** @example ver_4Fz9Qk2LmN8pR1sT6vW0 */
            id: string;
            /**
             * @description dev-* branch or *-dev version (served in the ~dev metadata)
             * @example false
             */
            is_dev: boolean;
            /** @example acme/widget */
            package: string;
            /** Format: date-time */
            released_at: string;
            /**
             * @description SHA-1 of the archive (dist.shasum)
             * @example 3f786850e387550fdab836ed7e6dc881de23001b
             */
            shasum: string;
            /** @example 48213 */
            size_bytes: number;
            /**
             * @description As published
             * @example v2.1.0
             */
            version: string;
            /**
             * @description Composer's normalized form
             * @example 2.1.0.0
             */
            version_normalized: string;
        };
        ReactivateDto: {
            /**
             * @description true: instead of holding the customer active, release the admin hold and apply what their subscriptions call for (active when billing knows none)
             * @default false
             */
            follow_billing?: boolean;
        };
        RefReportDto: {
            /** @example the tag (2.3.0.0) does not match the version (2.2.0.0) in composer.json */
            message: string | null;
            /** @enum {string} */
            outcome: "published" | "updated" | "unchanged" | "removed" | "skipped" | "failed";
            /**
             * @description The ref, or the version when its ref is gone
             * @example refs/tags/v2.3.0
             */
            ref: string;
            /** @example v2.3.0 */
            version: string | null;
        };
        SignInForm: {
            /** @description The CSRF token of the session, from the hidden form field */
            _csrf?: string;
            /** @description One of the customer’s tokens */
            token: string;
        };
        StatusReasonDto: {
            /**
             * @description Kept for the admin; never shown to the customer
             * @example Payment failed
             */
            reason?: string;
        };
        TokenDto: {
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /** @example tkn_8Gq2Lm0Zp4Rt6Vx9Bc1D */
            id: string;
            /** @example CI server */
            label: string | null;
            /** Format: date-time */
            last_used_at: string | null;
            /**
             * @description First characters of the token, to recognise it
             * @example tok_3kQ9xZ
             */
            prefix: string;
        };
        UpdateCustomerDto: {
            /**
             * @description null: follow BILLING_GRACE_DAYS
             * @example 7
             */
            billing_grace_days?: Record<string, unknown> | null;
            /** @example dev@acme.com */
            email?: string;
            /**
             * Format: date-time
             * @description null removes the expiry
             * @example 2027-01-01T00:00:00Z
             */
            expires_at?: string | null;
            /**
             * @description null removes the external id
             * @example stripe_cus_abc123
             */
            external_id?: string | null;
            /** @example Acme Corporation */
            name?: string;
            /**
             * @description freeze: keep versions released before expires_at; expire: no access
             * @default freeze
             * @enum {string}
             */
            on_expiry?: "expire" | "freeze";
            /**
             * @description Whether the customer may create and revoke their own tokens in the customer portal (PORTAL_TOKEN_SELF_SERVICE=false turns it off for everyone)
             * @default true
             */
            portal_token_self_service?: boolean;
        };
        UpdateGitSourceDto: {
            /** @description New credentials, or null to remove them */
            credentials: components["schemas"]["GitCredentialsDto"] | null;
        };
        WebhookDeliveryDto: {
            /** @example 1 */
            attempts: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            delivered_at: string | null;
            /**
             * @description Duration of the last attempt
             * @example 42
             */
            duration_ms: number | null;
            /**
             * @description The event id (the same in every redelivery)
             * @example evt_8Gq2Lm0Zp4Rt6Vx9Bc1D
             */
            event_id: string;
            /** @example customer.status_changed */
            event_type: string;
            /** @example dlv_8Gq2Lm0Zp4Rt6Vx9Bc1D */
            id: string;
            /** Format: date-time */
            last_attempt_at: string | null;
            last_error: string | null;
            /** Format: date-time */
            next_attempt_at: string | null;
            /**
             * @description HTTP status of the last attempt; null when none came
             * @example 200
             */
            response_status: number | null;
            /**
             * @description failed: still refused when the retry window ended
             * @enum {string}
             */
            status: "pending" | "succeeded" | "failed";
        };
        WebhookDeliveryPageDto: {
            data: components["schemas"]["WebhookDeliveryDto"][];
            /** @example 50 */
            limit: number;
            /** @example 0 */
            offset: number;
            /** @example 1 */
            total: number;
        };
        WebhookDto: {
            /** Format: date-time */
            created_at: string;
            events: ("*" | "customer.created" | "customer.updated" | "customer.deleted" | "customer.status_changed" | "access.granted" | "access.updated" | "access.revoked" | "access.frozen_versions_changed" | "token.issued" | "token.revoked" | "package.version_published" | "package.version_deleted")[];
            /** @example whk_8Gq2Lm0Zp4Rt6Vx9Bc1D */
            id: string;
            url: string;
        };
        WebhookEventDto: {
            /**
             * @description The status billing called for after this event (also when an admin hold kept it)
             * @enum {string|null}
             */
            billing_status: "active" | "suspended" | "frozen" | "expired" | null;
            /** @description The Packyard customer it concerned (set when a kept event is linked later) */
            customer_id: string | null;
            /**
             * @description The provider's event id
             * @example evt_1QXyZ2AbCdEfGhIj
             */
            event_id: string;
            /** @example cus_NffrFeUfNV2Hib */
            external_customer_id: string | null;
            /**
             * Format: date-time
             * @description The provider's own event time (Stripe created, Paddle occurred_at)
             */
            occurred_at: string | null;
            /** @enum {string} */
            outcome: "applied" | "unchanged" | "held_by_admin" | "kept_unknown_customer" | "ignored_unknown_customer" | "ignored_event_type" | "ignored_no_subscription" | "ignored_out_of_order";
            /** @enum {string} */
            provider: "stripe" | "paddle";
            /** Format: date-time */
            received_at: string;
            /** @example customer.subscription.updated */
            type: string;
        };
        WebhookEventPageDto: {
            data: components["schemas"]["WebhookEventDto"][];
            /** @example 50 */
            limit: number;
            /** @example 0 */
            offset: number;
            /** @example 1 */
            total: number;
        };
        WebhookReceiptDto: {
            /**
             * @description What the event did (absent on a replay)
             * @enum {string}
             */
            outcome?: "applied" | "unchanged" | "held_by_admin" | "kept_unknown_customer" | "ignored_unknown_customer" | "ignored_event_type" | "ignored_no_subscription" | "ignored_out_of_order";
            /** @example true */
            received: boolean;
            /**
             * @description Present when this event id was already received; nothing was changed again
             * @example true
             */
            replay?: boolean;
        };
        WebhookSecretDto: {
            /** @example repo_4Fz9Qk2LmN8pR1sT6vW0 */
            repository_id: string;
            /**
             * @description The new secret: shown in this response only; the old one stops working
             * @example whs_…
             */
            webhook_secret: string;
            /** @example https://packages.example.com/webhooks/git/repo_4Fz9Qk2LmN8pR1sT6vW0 */
            webhook_url: string;
        };
    };
    responses: never;
    parameters: {
        /**
         * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
         * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
         */
        IdempotencyKey: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    ApiKeysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyDto"][];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    ApiKeysController_create: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKeyDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description api_key_name_taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    ApiKeysController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    CustomersController_list: {
        parameters: {
            query?: {
                /** @description Exact email (case-insensitive) */
                email?: string;
                external_id?: string;
                limit?: number;
                offset?: number;
                /** @description Case-insensitive search in the name */
                q?: string;
                status?: "active" | "suspended" | "frozen" | "expired";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerPageDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    CustomersController_create: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCustomerDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedCustomerDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description external_id already used */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    CustomersController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    CustomersController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    CustomersController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateCustomerDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description external_id already used */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    CustomersController_resumeBilling: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    DownloadsController_forCustomer: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DownloadPageDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    HistoryController_forCustomer: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPageDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    CustomersController_expire: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StatusReasonDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Not allowed from the current status */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    AccessController_freeze: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FreezeCustomerDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FrozenCustomerDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Not allowed from the current status */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid version */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    AccessController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GrantDto"][];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    AccessController_grant: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GrantAccessDto"];
            };
        };
        responses: {
            /** @description Constraint of an existing grant replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GrantDto"];
                };
            };
            /** @description New grant */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GrantDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid constraint */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    AccessController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                package: unknown;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    CustomersController_reactivate: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReactivateDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    CustomersController_suspend: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StatusReasonDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Not allowed from the current status */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    TokensController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenDto"][];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    TokensController_issue: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTokenDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IssuedTokenDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    TokensController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                tokenId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    CustomersController_byExternalId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                externalId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    DownloadsController_counts: {
        parameters: {
            query?: {
                customer_id?: string;
                /** @description Count per version of this package instead of per package */
                package?: string;
                since?: string;
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DownloadCountDto"][];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    HistoryController_search: {
        parameters: {
            query?: {
                customer_id?: string;
                limit?: number;
                offset?: number;
                /** @description Events at or after this instant */
                since?: string;
                type?: "customer.created" | "customer.updated" | "customer.deleted" | "customer.status_changed" | "customer.frozen_versions_changed" | "grant.created" | "grant.updated" | "grant.revoked" | "token.issued" | "token.revoked";
                /** @description Events before this instant */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPageDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    PackagesController_list: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                /** @description Case-insensitive search in the package name */
                q?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PackagePageDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    PackagesController_publish: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description The package zip (at most MAX_ARCHIVE_MB)
                     */
                    archive: string;
                    /**
                     * Format: date-time
                     * @description ISO 8601 with time zone; default: now
                     */
                    released_at?: string;
                    /**
                     * @description Required when composer.json has no "version"
                     * @example 2.1.0
                     */
                    version?: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublishedVersionDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description version_exists: this version (normalized) is already published */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description archive_too_large: over MAX_ARCHIVE_MB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description archive_not_zip, archive_corrupt, archive_unsafe_path, archive_zip_bomb, composer_json_missing, composer_json_invalid, package_name_missing, package_name_invalid, version_missing, invalid_version, version_mismatch */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    PackagesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                vendor: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PackageDetailDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    PackagesController_deletePackage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                vendor: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    PackagesController_deleteVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                vendor: string;
                /** @description URL-encode branch names with a slash (dev-feature%2Fx) */
                version: unknown;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    GitSourcesController_list: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GitSourcePageDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    GitSourcesController_create: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateGitSourceDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedGitSourceDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description package_name_taken: the package is uploaded or comes from another repository */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description invalid_repository_url, repository_unreachable (wrong credentials, unknown host, timeout), repository_too_large, repository_empty, composer_json_missing, composer_json_invalid, package_name_missing */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    GitSourcesController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GitSourceDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    GitSourcesController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    GitSourcesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateGitSourceDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GitSourceDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    GitSourcesController_sync: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GitSyncDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    GitSourcesController_getSync: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                syncId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GitSyncDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    GitSourcesController_rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookSecretDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    WebhookEventsController_list: {
        parameters: {
            query?: {
                /** @description A Packyard customer id (cust_…) or the provider customer id (external_id) */
                customer?: string;
                limit?: number;
                offset?: number;
                outcome?: "applied" | "unchanged" | "held_by_admin" | "kept_unknown_customer" | "ignored_unknown_customer" | "ignored_event_type" | "ignored_no_subscription" | "ignored_out_of_order";
                provider?: "stripe" | "paddle";
                /** @description Received at or after this instant */
                since?: string;
                /** @description The provider's event type, exactly */
                type?: string;
                /** @description Received before this instant */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEventPageDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    WebhooksController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDto"][];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    WebhooksController_create: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhookDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    WebhooksController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    WebhooksController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    WebhooksController_deliveries: {
        parameters: {
            query?: {
                limit?: number;
                offset?: number;
                status?: "pending" | "succeeded" | "failed";
            };
            header?: never;
            path: {
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPageDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    WebhooksController_redeliver: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the POST safe to retry. The first request with a key runs and its answer (also a 4xx) is kept for 24 hours; a retry with the same key, method, path and body gets that answer again, with `Idempotent-Replayed: true`, and changes nothing. The same key with another request is a 409 `idempotency_key_reused`; while the first request is still running a duplicate gets a 409 `idempotency_key_in_progress`. A 5xx is not kept, so a retry runs again. 1 to 255 printable ASCII characters (else 400 `invalid_idempotency_key`); a UUID per operation is a good choice.
                 * @example 5b0d2c6e-8a1f-4e0b-9a57-1f3c2d4e5f60
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                deliveryId: string;
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryDto"];
                };
            };
            /** @description Invalid input */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or wrong admin token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A customer token was used, or the API key lacks the route scope (insufficient_scope) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    HealthController_summary: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthDto"];
                };
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthDto"];
                };
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProbeDto"];
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProbeDto"];
                };
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProbeDto"];
                };
            };
        };
    };
    MetricsController_scrape: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description packyard_http_requests_total, packyard_cache_lookups_total, ... (see the README) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description METRICS_TOKEN is not set */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    ComposerRepositoryController_metadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                file: string;
                vendor: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Only the versions this customer may install; Last-Modified / If-Modified-Since supported */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid token (WWW-Authenticate: Basic) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Customer suspended or expired; the JSON body carries a `warning` Composer prints */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unknown package, or one this customer may not see */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ComposerRepositoryController_root: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description {"packages": [], "metadata-url": ".../p2/%package%.json", "available-packages": [...]} */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid token (WWW-Authenticate: Basic) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Customer suspended or expired; the JSON body carries a `warning` Composer prints */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PortalController_home: {
        parameters: {
            query: {
                notice: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PortalController_access: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PortalController_downloads: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PortalController_package: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                vendor: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PortalController_setup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PortalController_signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["SignInForm"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PortalController_signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["CsrfForm"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PortalController_tokens: {
        parameters: {
            query: {
                notice: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PortalController_createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["CreateTokenForm"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    PortalController_revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["CsrfForm"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    GitWebhookController_receive: {
        parameters: {
            query?: never;
            header?: {
                /** @description Gitea/Forgejo: <HMAC-SHA256 of the body> */
                "X-Gitea-Signature"?: string;
                /** @description GitLab: the secret token */
                "X-Gitlab-Token"?: string;
                /** @description Bitbucket Cloud: sha256=<HMAC-SHA256 of the body> */
                "X-Hub-Signature"?: string;
                /** @description GitHub (and Gitea): sha256=<HMAC-SHA256 of the body> */
                "X-Hub-Signature-256"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GitWebhookDeliveryDto"];
                };
            };
            /** @description invalid_signature: missing or wrong; nothing is synced */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description repository_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    PaddleWebhookController_receive: {
        parameters: {
            query?: never;
            header: {
                "paddle-signature": string;
                /** @description ts=<unix seconds>;h1=<HMAC-SHA256 of "ts:body"> */
                "Paddle-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookReceiptDto"];
                };
            };
            /** @description invalid_signature (wrong or stale), or not a Paddle notification */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description PADDLE_WEBHOOK_SECRET is not set */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    StripeWebhookController_receive: {
        parameters: {
            query?: never;
            header: {
                "stripe-signature": string;
                "Stripe-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookReceiptDto"];
                };
            };
            /** @description invalid_signature (wrong or stale), or not a Stripe event */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description STRIPE_WEBHOOK_SECRET is not set */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
}
