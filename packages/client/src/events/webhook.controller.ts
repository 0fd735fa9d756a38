import {
  CanActivate,
  Controller,
  ExecutionContext,
  HttpCode,
  Inject,
  Injectable,
  Post,
  Req,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import type { Request } from 'express';
import { PackyardEvent } from '../types';
import { PackyardEventDispatcher } from './event-dispatcher';
import { PACKYARD_EVENTS_OPTIONS, PackyardEventsOptions } from './events-options';
import { SIGNATURE_HEADER, verifyPackyardSignature } from './signature';

type RawRequest = Request & { rawBody?: Buffer };

/** The exact bytes Packyard signed: Nest keeps them when the app is created with `rawBody: true`. */
function rawBodyOf(request: RawRequest): string {
  return request.rawBody ? request.rawBody.toString('utf8') : JSON.stringify(request.body);
}

/** Lets through only requests signed with the configured webhook secret. */
@Injectable()
export class PackyardSignatureGuard implements CanActivate {
  constructor(@Inject(PACKYARD_EVENTS_OPTIONS) private readonly options: PackyardEventsOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RawRequest>();
    const secret = this.options.webhook?.secret;
    const header = request.headers[SIGNATURE_HEADER];
    if (!secret || !verifyPackyardSignature(secret, rawBodyOf(request), Array.isArray(header) ? header[0] : header)) {
      throw new UnauthorizedException('Invalid Packyard-Signature');
    }
    return true;
  }
}

/** Receives Packyard's signed webhook deliveries and hands them to the @OnPackyardEvent handlers. */
@Controller('packyard/webhooks')
export class PackyardWebhookController {
  constructor(private readonly dispatcher: PackyardEventDispatcher) {}

  @Post()
  @HttpCode(204)
  @UseGuards(PackyardSignatureGuard)
  async receive(@Req() request: RawRequest): Promise<void> {
    await this.dispatcher.dispatch(JSON.parse(rawBodyOf(request)) as PackyardEvent);
  }
}
