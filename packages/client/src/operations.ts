/**
 * Every admin operation the client performs: its HTTP route (checked against the server's OpenAPI
 * document by the server's tests) and its message pattern for the TCP/NATS transports (absent:
 * HTTP only, e.g. uploads and key management).
 */
export interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  openapiPath: string;
  pattern?: string;
}

const op = (method: Operation['method'], openapiPath: string, pattern?: string): Operation => ({
  method,
  openapiPath,
  pattern,
});

export const OPERATIONS = {
  createCustomer: op('POST', '/api/v1/customers', 'customers.create'),
  listCustomers: op('GET', '/api/v1/customers', 'customers.list'),
  getCustomer: op('GET', '/api/v1/customers/{id}', 'customers.get'),
  getCustomerByExternalId: op('GET', '/api/v1/customers/by-external/{externalId}', 'customers.get_by_external_id'),
  updateCustomer: op('PATCH', '/api/v1/customers/{id}', 'customers.update'),
  deleteCustomer: op('DELETE', '/api/v1/customers/{id}', 'customers.delete'),
  suspendCustomer: op('POST', '/api/v1/customers/{id}/suspend', 'customers.suspend'),
  reactivateCustomer: op('POST', '/api/v1/customers/{id}/reactivate', 'customers.reactivate'),
  expireCustomer: op('POST', '/api/v1/customers/{id}/expire', 'customers.expire'),
  grantAccess: op('POST', '/api/v1/customers/{id}/packages', 'access.grant'),
  listGrants: op('GET', '/api/v1/customers/{id}/packages', 'access.list'),
  revokeAccess: op('DELETE', '/api/v1/customers/{id}/packages/{package}', 'access.revoke'),
  freezeCustomer: op('POST', '/api/v1/customers/{id}/freeze', 'access.freeze'),
  issueToken: op('POST', '/api/v1/customers/{id}/tokens', 'tokens.issue'),
  listTokens: op('GET', '/api/v1/customers/{id}/tokens', 'tokens.list'),
  revokeToken: op('DELETE', '/api/v1/customers/{id}/tokens/{tokenId}', 'tokens.revoke'),
  publishVersion: op('POST', '/api/v1/packages'),
  listPackages: op('GET', '/api/v1/packages', 'packages.list'),
  getPackage: op('GET', '/api/v1/packages/{vendor}/{name}', 'packages.get'),
  deletePackageVersion: op('DELETE', '/api/v1/packages/{vendor}/{name}/versions/{version}', 'packages.delete_version'),
  deletePackage: op('DELETE', '/api/v1/packages/{vendor}/{name}', 'packages.delete'),
  listEvents: op('GET', '/api/v1/events', 'events.list'),
  listCustomerEvents: op('GET', '/api/v1/customers/{id}/events', 'events.for_customer'),
  listCustomerDownloads: op('GET', '/api/v1/customers/{id}/downloads', 'downloads.for_customer'),
  downloadCounts: op('GET', '/api/v1/downloads', 'downloads.counts'),
  createApiKey: op('POST', '/api/v1/api-keys'),
  listApiKeys: op('GET', '/api/v1/api-keys'),
  revokeApiKey: op('DELETE', '/api/v1/api-keys/{keyId}'),
  createWebhook: op('POST', '/api/v1/webhooks'),
  listWebhooks: op('GET', '/api/v1/webhooks'),
  getWebhook: op('GET', '/api/v1/webhooks/{webhookId}'),
  deleteWebhook: op('DELETE', '/api/v1/webhooks/{webhookId}'),
  listWebhookDeliveries: op('GET', '/api/v1/webhooks/{webhookId}/deliveries'),
  redeliverWebhook: op('POST', '/api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver'),
} satisfies Record<string, Operation>;

export type OperationName = keyof typeof OPERATIONS;

/** One call: path parameters (named as in `openapiPath`), query and body. */
export interface CallInput {
  params?: Record<string, string>;
  query?: object;
  body?: unknown;
  /** multipart upload (HTTP only) */
  form?: FormData;
}
