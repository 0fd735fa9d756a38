export { PackyardApiError, PackyardError, PackyardUnavailableError } from './errors';
export { OPERATIONS } from './operations';
export type { Operation, OperationName } from './operations';
export { PackyardClient } from './packyard.client';
export { PackyardModule, createTransport } from './packyard.module';
export type { PackyardModuleAsyncOptions } from './packyard.module';
export type {
  HttpTransportOptions,
  NatsTransportOptions,
  PackyardClientOptions,
  PackyardTransport,
  TcpTransportOptions,
} from './transport';
export * from './types';
export type { components, operations, paths } from './generated/openapi';
export { OnPackyardEvent } from './events/on-packyard-event.decorator';
export { PackyardEventsModule } from './events/packyard-events.module';
export type { PackyardEventsOptions } from './events/events-options';
export { PackyardEventDispatcher } from './events/event-dispatcher';
export { PackyardSignatureGuard, PackyardWebhookController } from './events/webhook.controller';
export { verifyPackyardSignature } from './events/signature';
