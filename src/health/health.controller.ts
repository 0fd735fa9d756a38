import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { ChangeListener } from '../changes/change-listener.service';
import { DatabaseState } from '../database/database-state.service';
import { RequestObserver } from '../observability/request-observer';
import { ARCHIVE_STORAGE, ArchiveStorage } from '../packages/archive-storage';

class HealthDto {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
  status: 'ok' | 'unavailable';

  @ApiProperty({ enum: ['up', 'down'] })
  database: 'up' | 'down';
}

class ProbeDto {
  @ApiProperty({ enum: ['ok', 'error'] })
  status: 'ok' | 'error';

  @ApiProperty({ description: 'Checks that are up, by name', example: { database: { status: 'up' } } })
  info: Record<string, unknown>;

  @ApiProperty({ description: 'Checks that are down, by name', example: {} })
  error: Record<string, unknown>;

  @ApiProperty({ description: 'Every check, by name' })
  details: Record<string, unknown>;
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseState,
    private readonly channel: ChangeListener,
    private readonly requests: RequestObserver,
    @Inject(ARCHIVE_STORAGE) private readonly storage: ArchiveStorage,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and database reachability (no authentication)' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: HealthDto })
  async summary(@Res({ passthrough: true }) response: Response): Promise<HealthDto> {
    if (await this.database.check()) return { status: 'ok', database: 'up' };
    response.status(503);
    return { status: 'unavailable', database: 'down' };
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is running and answering (never looks at dependencies)' })
  @ApiOkResponse({ type: ProbeDto })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({
    summary:
      "Readiness: database reachable, listening for other instances' changes, archive storage usable, not shutting down",
    description:
      'A load balancer should send traffic only while this answers 200. During a database outage warm Composer reads are still served, but this answers 503.',
  })
  @ApiOkResponse({ type: ProbeDto })
  @ApiServiceUnavailableResponse({ type: ProbeDto })
  async ready(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        async () => {
          const check = this.indicators.check('database');
          return (await this.database.check()) ? check.up() : check.down({ message: 'unreachable' });
        },
        () => {
          const check = this.indicators.check('notification_channel');
          return this.channel.listening
            ? check.up()
            : check.down({ message: "not listening for other instances' changes" });
        },
        async () => {
          const check = this.indicators.check('archive_storage');
          try {
            await this.storage.healthCheck?.();
            return check.up();
          } catch (error) {
            return check.down({ message: (error as Error).message });
          }
        },
        () => {
          const check = this.indicators.check('shutdown');
          return this.requests.isDraining ? check.down({ message: 'shutting down' }) : check.up();
        },
      ]);
    } catch (error) {
      // Terminus reports a failed check as 503 with the per-check details: keep that body for probes and operators.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
