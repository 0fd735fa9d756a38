import { ArgumentsHost, Body, Catch, Controller, ExceptionFilter, Get, HttpCode, Param, Post } from '@nestjs/common';
import { PackyardApiError } from '@packyard/client';
import type { Response } from 'express';
import { AccessNotifications } from './access-notifications';
import { NewSubscription, SubscriptionsService } from './subscriptions.service';

/** Packyard's refusals reach this service's callers with the same status and code. */
@Catch(PackyardApiError)
export class PackyardErrorFilter implements ExceptionFilter {
  catch(error: PackyardApiError, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(error.status)
      .json({ error: error.code, message: error.message, details: error.details });
  }
}

@Controller()
export class SubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly notifications: AccessNotifications,
  ) {}

  @Post('subscriptions')
  subscribe(@Body() body: NewSubscription) {
    return this.subscriptions.subscribe(body);
  }

  @Post('subscriptions/:customerId/payment-failed')
  @HttpCode(200)
  paymentFailed(@Param('customerId') customerId: string) {
    return this.subscriptions.paymentFailed(customerId);
  }

  @Post('subscriptions/:customerId/payment-recovered')
  @HttpCode(200)
  paymentRecovered(@Param('customerId') customerId: string) {
    return this.subscriptions.paymentRecovered(customerId);
  }

  @Get('notifications')
  list() {
    return { status_changes: this.notifications.statusChanges, grants: this.notifications.grants };
  }
}
