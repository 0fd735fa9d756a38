import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiExcludeEndpoint, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { CurrentPrincipal, CustomerAuth, Principal } from '../auth/auth.decorators';
import { ErrorResponseDto } from '../common/error-response.dto';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { accessDeniedResponse } from './access-denied';
import { ComposerRepositoryService } from './composer-repository.service';
import { EncodedDocument } from './repository-views.service';

function sendJson(request: Request, response: Response, document: EncodedDocument, lastModified?: Date): void {
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'private, no-cache',
    Vary: 'Authorization, Accept-Encoding',
  };
  if (lastModified) headers['Last-Modified'] = lastModified.toUTCString();
  const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  const body = gzip ? document.gzipped : document.body;
  if (gzip) headers['Content-Encoding'] = 'gzip';
  headers['Content-Length'] = body.length;
  response.writeHead(200, headers);
  response.end(body);
}

function notModifiedSince(request: Request, lastModified: Date): boolean {
  const header = request.headers['if-modified-since'];
  if (!header) return false;
  const since = Date.parse(header);
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}

const NOT_FOUND = Buffer.from(JSON.stringify({ statusCode: 404, error: 'not_found', message: 'No such package in this repository' }));

@ApiTags('composer repository')
@ApiBasicAuth('customer')
@ApiBearerAuth('admin')
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or invalid token (WWW-Authenticate: Basic)' })
@ApiForbiddenResponse({ description: 'Customer suspended or expired; the JSON body carries a `warning` Composer prints' })
@CustomerAuth()
@Controller()
export class ComposerRepositoryController {
  constructor(
    private readonly repository: ComposerRepositoryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private deny(response: Response, status: 'suspended' | 'expired'): void {
    const { reasonPhrase, body } = accessDeniedResponse(status, this.config.accessDeniedContact);
    response.writeHead(403, reasonPhrase, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    response.end(body);
  }

  private notFound(response: Response): void {
    response.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': NOT_FOUND.length });
    response.end(NOT_FOUND);
  }

  @Get('packages.json')
  @ApiOperation({ summary: 'Composer 2 repository root, listing the packages this customer may see' })
  @ApiOkResponse({ description: '{"packages": [], "metadata-url": ".../p2/%package%.json", "available-packages": [...]}' })
  async root(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Res() response: Response): Promise<void> {
    const view = await this.repository.view(principal);
    if (view.kind === 'denied') return this.deny(response, view.status);
    sendJson(request, response, view.root);
  }

  @Get('p2/:vendor/:file')
  @ApiOperation({ summary: 'Composer 2 minified metadata of one package (name.json: tagged versions, name~dev.json: dev versions)' })
  @ApiOkResponse({ description: 'Only the versions this customer may install; Last-Modified / If-Modified-Since supported' })
  @ApiNotFoundResponse({ description: 'Unknown package, or one this customer may not see' })
  async metadata(
    @CurrentPrincipal() principal: Principal,
    @Param('vendor') vendor: string,
    @Param('file') file: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const view = await this.repository.view(principal);
    if (view.kind === 'denied') return this.deny(response, view.status);
    const match = /^(.+?)(~dev)?\.json$/.exec(file);
    const visible = match ? view.packages.get(`${vendor}/${match[1]}`) : undefined;
    const document = visible && this.repository.p2(visible, Boolean(match?.[2]));
    if (!visible || !document) return this.notFound(response);
    if (notModifiedSince(request, visible.lastModified)) {
      response.writeHead(304, { 'Last-Modified': visible.lastModified.toUTCString(), Vary: 'Authorization, Accept-Encoding' });
      response.end();
      return;
    }
    sendJson(request, response, document, visible.lastModified);
  }

  @Get('dists/:vendor/:name/:version/:file')
  @ApiExcludeEndpoint()
  async dist(
    @CurrentPrincipal() principal: Principal,
    @Param('vendor') vendor: string,
    @Param('name') name: string,
    @Param('version') versionNormalized: string,
    @Param('file') file: string,
    @Res() response: Response,
  ): Promise<void> {
    const view = await this.repository.view(principal);
    if (view.kind === 'denied') return this.deny(response, view.status);
    const version = view.packages.get(`${vendor}/${name}`)?.versions.find((v) => v.versionNormalized === versionNormalized);
    if (!version || file !== `${version.shasum}.zip`) return this.notFound(response);
    const stream = await this.repository.download(principal, version);
    response.writeHead(200, {
      'Content-Type': 'application/zip',
      'Content-Length': version.sizeBytes,
      'Content-Disposition': `attachment; filename="${vendor}-${name}-${version.version.replace(/[^\w.-]/g, '_')}.zip"`,
    });
    // pipeline closes the file when the client goes away mid-download.
    pipeline(stream, response).catch(() => response.destroy());
  }
}
