import { CallInput, OperationName, OPERATIONS } from './operations';
import { PackyardTransport } from './transport';
import type * as T from './types';

export const PACKYARD_TRANSPORT = Symbol('PACKYARD_TRANSPORT');

function splitPackage(name: string): { vendor: string; name: string } {
  const slash = name.indexOf('/');
  if (slash < 0) throw new Error(`"${name}" is not a package name (vendor/name)`);
  return { vendor: name.slice(0, slash), name: name.slice(slash + 1) };
}

/** Typed Packyard admin API. Inject it where PackyardModule is imported. */
export class PackyardClient {
  constructor(private readonly transport: PackyardTransport) {}

  private call<R>(name: OperationName, input: CallInput = {}): Promise<R> {
    return this.transport.call<R>(OPERATIONS[name], input);
  }

  // Customers
  createCustomer(body: T.CreateCustomerInput): Promise<T.CreatedCustomer> {
    return this.call('createCustomer', { body });
  }
  listCustomers(query: T.ListCustomersQuery = {}): Promise<T.CustomerPage> {
    return this.call('listCustomers', { query });
  }
  getCustomer(id: string): Promise<T.Customer> {
    return this.call('getCustomer', { params: { id } });
  }
  getCustomerByExternalId(externalId: string): Promise<T.Customer> {
    return this.call('getCustomerByExternalId', { params: { externalId } });
  }
  updateCustomer(id: string, body: T.UpdateCustomerInput): Promise<T.Customer> {
    return this.call('updateCustomer', { params: { id }, body });
  }
  async deleteCustomer(id: string): Promise<void> {
    await this.call('deleteCustomer', { params: { id } });
  }
  suspendCustomer(id: string, reason?: string): Promise<T.Customer> {
    return this.call('suspendCustomer', { params: { id }, body: reason === undefined ? {} : { reason } });
  }
  reactivateCustomer(id: string): Promise<T.Customer> {
    return this.call('reactivateCustomer', { params: { id } });
  }
  expireCustomer(id: string, reason?: string): Promise<T.Customer> {
    return this.call('expireCustomer', { params: { id }, body: reason === undefined ? {} : { reason } });
  }

  // Access
  grantAccess(customerId: string, packageName: string, constraint: string): Promise<T.Grant> {
    return this.call('grantAccess', { params: { id: customerId }, body: { package: packageName, constraint } });
  }
  listGrants(customerId: string): Promise<T.Grant[]> {
    return this.call('listGrants', { params: { id: customerId } });
  }
  async revokeAccess(customerId: string, packageName: string): Promise<void> {
    await this.call('revokeAccess', { params: { id: customerId, package: packageName } });
  }
  /** Without `versions`, pins every version the customer can install now. */
  freezeCustomer(customerId: string, body: T.FreezeInput = {}): Promise<T.FrozenCustomer> {
    return this.call('freezeCustomer', { params: { id: customerId }, body });
  }

  // Tokens
  issueToken(customerId: string, body: T.IssueTokenInput = {}): Promise<T.IssuedToken> {
    return this.call('issueToken', { params: { id: customerId }, body });
  }
  listTokens(customerId: string): Promise<T.Token[]> {
    return this.call('listTokens', { params: { id: customerId } });
  }
  async revokeToken(customerId: string, tokenId: string): Promise<void> {
    await this.call('revokeToken', { params: { id: customerId, tokenId } });
  }

  // Packages
  /** Uploads a zip (HTTP transport only). */
  publishVersion(
    archive: Uint8Array,
    options: { version?: string; releasedAt?: string; filename?: string } = {},
  ): Promise<T.PublishedVersion> {
    const form = new FormData();
    form.set(
      'archive',
      new Blob([new Uint8Array(archive)], { type: 'application/zip' }),
      options.filename ?? 'package.zip',
    );
    if (options.version) form.set('version', options.version);
    if (options.releasedAt) form.set('released_at', options.releasedAt);
    return this.call('publishVersion', { form });
  }
  listPackages(query: T.ListPackagesQuery = {}): Promise<T.PackagePage> {
    return this.call('listPackages', { query });
  }
  getPackage(packageName: string): Promise<T.PackageDetail> {
    return this.call('getPackage', { params: splitPackage(packageName) });
  }
  async deletePackageVersion(packageName: string, version: string): Promise<void> {
    await this.call('deletePackageVersion', { params: { ...splitPackage(packageName), version } });
  }
  async deletePackage(packageName: string): Promise<void> {
    await this.call('deletePackage', { params: splitPackage(packageName) });
  }

  // History and downloads
  listEvents(query: T.ListEventsQuery = {}): Promise<T.HistoryEventPage> {
    return this.call('listEvents', { query });
  }
  listCustomerEvents(customerId: string, query: T.PageQuery = {}): Promise<T.HistoryEventPage> {
    return this.call('listCustomerEvents', { params: { id: customerId }, query });
  }
  listCustomerDownloads(customerId: string, query: T.PageQuery = {}): Promise<T.DownloadPage> {
    return this.call('listCustomerDownloads', { params: { id: customerId }, query });
  }
  downloadCounts(query: T.DownloadCountsQuery = {}): Promise<T.DownloadCount[]> {
    return this.call('downloadCounts', { query });
  }

  // API keys and webhooks (HTTP transport only)
  createApiKey(body: T.CreateApiKeyInput): Promise<T.CreatedApiKey> {
    return this.call('createApiKey', { body });
  }
  listApiKeys(): Promise<T.ApiKey[]> {
    return this.call('listApiKeys');
  }
  async revokeApiKey(keyId: string): Promise<void> {
    await this.call('revokeApiKey', { params: { keyId } });
  }
  createWebhook(body: T.CreateWebhookInput): Promise<T.CreatedWebhook> {
    return this.call('createWebhook', { body });
  }
  listWebhooks(): Promise<T.Webhook[]> {
    return this.call('listWebhooks');
  }
  getWebhook(webhookId: string): Promise<T.Webhook> {
    return this.call('getWebhook', { params: { webhookId } });
  }
  async deleteWebhook(webhookId: string): Promise<void> {
    await this.call('deleteWebhook', { params: { webhookId } });
  }
  listWebhookDeliveries(webhookId: string, query: T.ListDeliveriesQuery = {}): Promise<T.WebhookDeliveryPage> {
    return this.call('listWebhookDeliveries', { params: { webhookId }, query });
  }
  redeliverWebhook(webhookId: string, deliveryId: string): Promise<T.WebhookDelivery> {
    return this.call('redeliverWebhook', { params: { webhookId, deliveryId } });
  }
}
