import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiAdminErrors } from '../auth/api-errors.decorator';
import { RequireScope } from '../auth/auth.decorators';
import { ErrorResponseDto } from '../common/error-response.dto';
import { PaginationQueryDto } from '../common/pagination.dto';
import {
  CreatedGitSourceDto,
  CreateGitSourceDto,
  GitSourceDto,
  GitSourcePageDto,
  GitSyncDto,
  UpdateGitSourceDto,
  WebhookSecretDto,
} from './dto/git-source.dto';
import { GitSourcesService } from './git-sources.service';

@ApiTags('repositories')
@ApiAdminErrors()
@Controller('api/v1/repositories')
export class GitSourcesController {
  constructor(private readonly sources: GitSourcesService) {}

  @RequireScope('packages:write')
  @Post()
  @ApiOperation({
    summary: 'Publish a package from a Git repository',
    description:
      'Fetches the repository, takes the package name from composer.json on the default branch and queues the first sync: ' +
      'tags that are Composer versions become releases, branches dev versions. The webhook secret is shown in this response only.',
  })
  @ApiCreatedResponse({ type: CreatedGitSourceDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'package_name_taken: the package is uploaded or comes from another repository',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description:
      'invalid_repository_url, repository_unreachable (wrong credentials, unknown host, timeout), repository_too_large, ' +
      'repository_empty, composer_json_missing, composer_json_invalid, package_name_missing',
  })
  create(@Body() body: CreateGitSourceDto): Promise<CreatedGitSourceDto> {
    return this.sources.create(body);
  }

  @RequireScope('packages:read')
  @Get()
  @ApiOperation({ summary: 'List repositories, oldest first, with their last sync' })
  @ApiOkResponse({ type: GitSourcePageDto })
  list(@Query() query: PaginationQueryDto): Promise<GitSourcePageDto> {
    return this.sources.list(query);
  }

  @RequireScope('packages:read')
  @Get(':id')
  @ApiOperation({ summary: 'A repository with its last sync (time, outcome, per-ref messages); never its credentials' })
  @ApiOkResponse({ type: GitSourceDto })
  get(@Param('id') id: string): Promise<GitSourceDto> {
    return this.sources.get(id);
  }

  @RequireScope('packages:write')
  @Patch(':id')
  @ApiOperation({ summary: 'Replace (or with null remove) the credentials' })
  @ApiOkResponse({ type: GitSourceDto })
  update(@Param('id') id: string, @Body() body: UpdateGitSourceDto): Promise<GitSourceDto> {
    return this.sources.updateCredentials(id, body);
  }

  @RequireScope('packages:write')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the repository and its package with every version and archive' })
  @ApiNoContentResponse()
  async remove(@Param('id') id: string): Promise<void> {
    await this.sources.remove(id);
  }

  @RequireScope('packages:write')
  @Post(':id/sync')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Sync now, in the background',
    description:
      'Returns the queued sync; while one is already queued, requests join it. Follow it with GET …/syncs/{sync_id}.',
  })
  @ApiAcceptedResponse({ type: GitSyncDto })
  sync(@Param('id') id: string): Promise<GitSyncDto> {
    return this.sources.requestSync(id);
  }

  @RequireScope('packages:read')
  @Get(':id/syncs/:syncId')
  @ApiOperation({ summary: 'One sync: status, error and what happened to each tag and branch' })
  @ApiOkResponse({ type: GitSyncDto })
  getSync(@Param('id') id: string, @Param('syncId') syncId: string): Promise<GitSyncDto> {
    return this.sources.getSync(id, syncId);
  }

  @RequireScope('packages:write')
  @Post(':id/webhook-secret')
  @ApiOperation({ summary: 'Replace the push webhook secret; the new one is shown in this response only' })
  @ApiCreatedResponse({ type: WebhookSecretDto })
  rotateWebhookSecret(@Param('id') id: string): Promise<WebhookSecretDto> {
    return this.sources.rotateWebhookSecret(id);
  }
}
