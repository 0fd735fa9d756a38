import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { readCredentials } from '../auth/credentials';
import { DomainError, NotFoundError } from '../common/domain-error';
import { ErrorResponseDto } from '../common/error-response.dto';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { secretMatcher } from '../auth/credentials';
import { Metrics } from './metrics.service';

@ApiTags('operations')
@ApiBearerAuth('metrics')
@Controller('metrics')
export class MetricsController {
  private readonly isMetricsToken?: (secret: string) => boolean;

  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    if (config.metricsToken) this.isMetricsToken = secretMatcher(config.metricsToken);
  }

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'Needs `Authorization: Bearer <METRICS_TOKEN>`; answers 404 when METRICS_TOKEN is not set. METRICS_PORT serves the same without a token on a separate port.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'packyard_http_requests_total, packyard_cache_lookups_total, ... (see the README)' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'METRICS_TOKEN is not set' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    if (!this.isMetricsToken) throw new NotFoundError('not_found', 'Cannot GET /metrics');
    const credentials = readCredentials(authorization);
    if (!credentials || credentials.scheme !== 'bearer' || !this.isMetricsToken(credentials.secret)) {
      throw new DomainError(401, 'unauthorized', 'Metrics need "Authorization: Bearer <METRICS_TOKEN>"', undefined, {
        'WWW-Authenticate': 'Bearer realm="Packyard metrics"',
      });
    }
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    // A Buffer keeps Express from rewriting the exposition format's Content-Type.
    response.send(Buffer.from(await this.metrics.registry.metrics()));
  }
}
