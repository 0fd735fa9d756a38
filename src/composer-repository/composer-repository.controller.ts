import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiBearerAuth,
  ApiExcludeEndpoint,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Request, Response } from 'express';
import { CurrentPrincipal, CustomerAuth, Principal } from '../auth/auth.decorators';
import { ErrorResponseDto } from '../common/error-response.dto';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { answerMetadata, answerRoot, parseMetadataFile, resolveDist } from './composer-responses';
import { ComposerRepositoryService } from './composer-repository.service';
import { DistDelivery } from './dist-delivery.service';

@ApiTags('composer repository')
@ApiBasicAuth('customer')
@ApiBearerAuth('admin')
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing or invalid token (WWW-Authenticate: Basic)' })
@ApiForbiddenResponse({
  description: 'Customer suspended or expired; the JSON body carries a `warning` Composer prints',
})
@CustomerAuth()
@Controller()
export class ComposerRepositoryController {
  constructor(
    private readonly repository: ComposerRepositoryService,
    private readonly dists: DistDelivery,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('packages.json')
  @ApiOperation({ summary: 'Composer 2 repository root, listing the packages this customer may see' })
  @ApiOkResponse({
    description: '{"packages": [], "metadata-url": ".../p2/%package%.json", "available-packages": [...]}',
  })
  async root(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    answerRoot(request, response, await this.repository.view(principal), this.config.accessDeniedContact);
  }

  @Get('p2/:vendor/:file')
  @ApiOperation({
    summary: 'Composer 2 minified metadata of one package (name.json: tagged versions, name~dev.json: dev versions)',
  })
  @ApiOkResponse({
    description: 'Only the versions this customer may install; Last-Modified / If-Modified-Since supported',
  })
  @ApiNotFoundResponse({ description: 'Unknown package, or one this customer may not see' })
  async metadata(
    @CurrentPrincipal() principal: Principal,
    @Param('vendor') vendor: string,
    @Param('file') file: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const view = await this.repository.view(principal);
    const metadata = parseMetadataFile(vendor, file);
    answerMetadata(
      request,
      response,
      view,
      this.config.accessDeniedContact,
      metadata,
      (visible, dev) => this.repository.p2(visible, dev),
      this.repository.now(),
    );
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
    const version = resolveDist(response, view, this.config.accessDeniedContact, {
      packageName: `${vendor}/${name}`,
      versionNormalized,
      file,
    });
    if (version) await this.dists.deliver(principal, version, response);
  }
}
