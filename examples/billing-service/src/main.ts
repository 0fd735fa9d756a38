import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { BillingServiceModule } from './billing-service.module';
import { configFromEnv } from './config';

async function bootstrap(): Promise<void> {
  const config = configFromEnv(process.env);
  // rawBody: the webhook guard checks Packyard's signature over the exact bytes received.
  const app = await NestFactory.create(BillingServiceModule.forRoot(config), { rawBody: true });
  app.enableShutdownHooks();
  await app.listen(config.port);
  console.log(`Billing service on http://localhost:${config.port} (POST /subscriptions, GET /notifications)`);
}

void bootstrap();
