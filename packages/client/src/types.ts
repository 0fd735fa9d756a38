import type { components, operations } from './generated/openapi';

type Schemas = components['schemas'];
type QueryOf<Name extends keyof operations> = operations[Name] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;

// Every type below comes from the generated OpenAPI types, i.e. from the server's own DTOs.
export type Customer = Schemas['CustomerDto'];
export type CreatedCustomer = Schemas['CreatedCustomerDto'];
export type CreateCustomerInput = Schemas['CreateCustomerDto'];
export type UpdateCustomerInput = Schemas['UpdateCustomerDto'];
export type CustomerPage = Schemas['CustomerPageDto'];
export type ListCustomersQuery = QueryOf<'CustomersController_list'>;
export type Grant = Schemas['GrantDto'];
export type FreezeInput = Schemas['FreezeCustomerDto'];
export type FrozenCustomer = Schemas['FrozenCustomerDto'];
export type Token = Schemas['TokenDto'];
export type IssuedToken = Schemas['IssuedTokenDto'];
export type IssueTokenInput = Schemas['CreateTokenDto'];
export type PublishedVersion = Schemas['PublishedVersionDto'];
export type PackagePage = Schemas['PackagePageDto'];
export type PackageDetail = Schemas['PackageDetailDto'];
export type ListPackagesQuery = QueryOf<'PackagesController_list'>;
export type HistoryEvent = Schemas['EventDto'];
export type HistoryEventPage = Schemas['EventPageDto'];
export type ListEventsQuery = QueryOf<'HistoryController_search'>;
export type PageQuery = QueryOf<'HistoryController_forCustomer'>;
export type DownloadPage = Schemas['DownloadPageDto'];
export type DownloadCount = Schemas['DownloadCountDto'];
export type DownloadCountsQuery = QueryOf<'DownloadsController_counts'>;
export type ApiKey = Schemas['ApiKeyDto'];
export type CreatedApiKey = Schemas['CreatedApiKeyDto'];
export type CreateApiKeyInput = Schemas['CreateApiKeyDto'];
export type Webhook = Schemas['WebhookDto'];
export type CreatedWebhook = Schemas['CreatedWebhookDto'];
export type CreateWebhookInput = Schemas['CreateWebhookDto'];
export type WebhookDelivery = Schemas['WebhookDeliveryDto'];
export type WebhookDeliveryPage = Schemas['WebhookDeliveryPageDto'];
export type ListDeliveriesQuery = QueryOf<'WebhooksController_deliveries'>;
export type ApiErrorBody = Schemas['ErrorResponseDto'];

/** An event as published on NATS and in webhook bodies. */
export interface PackyardEvent<Data = Record<string, unknown>> {
  id: string;
  sequence: number;
  type: string;
  occurred_at: string;
  actor: string;
  customer_id: string | null;
  package_name: string | null;
  data: Data;
}

/** `data` of `customer.status_changed`. */
export interface StatusChangedData {
  customer_id: string;
  from: Customer['status'] | null;
  to: Customer['status'];
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
