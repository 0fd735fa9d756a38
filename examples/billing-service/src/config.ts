import { PackyardClientOptions } from '@packyard/client';
import { BillingServiceConfig } from './billing-service.module';

/** The example's settings from its environment (see README.md). */
export function configFromEnv(env: Record<string, string | undefined>): BillingServiceConfig & { port: number } {
  const apiKey = env.PACKYARD_API_KEY;
  if (!apiKey) throw new Error('PACKYARD_API_KEY is required: create one with POST /api/v1/api-keys');
  const transport = env.PACKYARD_TRANSPORT ?? 'http';
  const packyard: PackyardClientOptions =
    transport === 'tcp'
      ? {
          transport: 'tcp',
          host: env.PACKYARD_TCP_HOST ?? '127.0.0.1',
          port: Number(env.PACKYARD_TCP_PORT ?? 4000),
          apiKey,
        }
      : transport === 'nats'
        ? { transport: 'nats', servers: env.NATS_URL ?? 'nats://127.0.0.1:4222', apiKey }
        : { baseUrl: env.PACKYARD_URL ?? 'http://localhost:8080', apiKey };
  return {
    port: Number(env.PORT ?? 3000),
    packyard,
    events: {
      ...(env.NATS_URL
        ? { nats: { servers: env.NATS_URL, durableName: env.PACKYARD_DURABLE ?? 'billing-service' } }
        : {}),
      ...(env.PACKYARD_WEBHOOK_SECRET ? { webhook: { secret: env.PACKYARD_WEBHOOK_SECRET } } : {}),
    },
  };
}
