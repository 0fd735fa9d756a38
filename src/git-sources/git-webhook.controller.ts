import { Controller, HttpCode, Param, Post, RawBodyRequest, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Request } from 'express';
import { Public } from '../auth/auth.decorators';
import { ErrorResponseDto } from '../common/error-response.dto';
import { GitWebhookDeliveryDto } from './dto/git-source.dto';
import { GitSourcesService } from './git-sources.service';

export const GIT_WEBHOOK_PATH = '/webhooks/git';

@ApiTags('repositories')
@Public()
@Controller('webhooks/git')
export class GitWebhookController {
  constructor(private readonly sources: GitSourcesService) {}

  @Post(':id')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Push webhook of a repository (GitHub, GitLab, Bitbucket Cloud, Gitea/Forgejo)',
    description:
      "Verified against the repository's webhook secret, then a sync is queued (pushes in a burst join one sync). " +
      'Any content type; the signature is checked over the exact body.',
  })
  @ApiHeader({
    name: 'X-Hub-Signature-256',
    required: false,
    description: 'GitHub (and Gitea): sha256=<HMAC-SHA256 of the body>',
  })
  @ApiHeader({ name: 'X-Gitlab-Token', required: false, description: 'GitLab: the secret token' })
  @ApiHeader({
    name: 'X-Hub-Signature',
    required: false,
    description: 'Bitbucket Cloud: sha256=<HMAC-SHA256 of the body>',
  })
  @ApiHeader({ name: 'X-Gitea-Signature', required: false, description: 'Gitea/Forgejo: <HMAC-SHA256 of the body>' })
  @ApiAcceptedResponse({ type: GitWebhookDeliveryDto })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'invalid_signature: missing or wrong; nothing is synced',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'repository_not_found' })
  receive(@Param('id') id: string, @Req() request: RawBodyRequest<Request>): Promise<GitWebhookDeliveryDto> {
    const body = Buffer.isBuffer(request.body) ? request.body : (request.rawBody ?? Buffer.alloc(0));
    return this.sources.receiveWebhook(id, request.headers, body);
  }
}
