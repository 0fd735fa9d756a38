import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiAdminErrors } from '../auth/api-errors.decorator';
import { RequireScope } from '../auth/auth.decorators';
import { ErrorResponseDto } from '../common/error-response.dto';
import { ArchiveUploadCleanup, ArchiveUploadInterceptor, UploadedArchive } from './archive-upload';
import { ListPackagesQueryDto } from './dto/list-packages.query';
import { PackageDetailDto, PackagePageDto, PublishedVersionDto } from './dto/package-response.dto';
import { PublishVersionDto } from './dto/publish-version.dto';
import { ArchiveMissingError, PackageNotFoundError } from './packages.errors';
import { PackageNamePathPipe } from './package-name';
import { excerpt } from '../common/input-guard';
import { PackagesService } from './packages.service';

/** Express 5 hands a `*name` wildcard over as its path segments. */
function joinSegments(segments: string[] | string): string {
  return (Array.isArray(segments) ? segments : [segments]).join('/');
}

const packageNamePipe = new PackageNamePathPipe((name) => new PackageNotFoundError(excerpt(name)));

/** `{vendor}/{name}` from the path, checked where it enters: a name that cannot exist is not found. */
function packageNameOf(vendor: string, name: string): string {
  return packageNamePipe.transform(`${vendor}/${name}`);
}

@ApiTags('packages')
@ApiAdminErrors()
@Controller('api/v1/packages')
export class PackagesController {
  constructor(private readonly packages: PackagesService) {}

  @Post()
  @UseInterceptors(ArchiveUploadCleanup, ArchiveUploadInterceptor)
  @ApiOperation({
    summary: 'Publish a version from a zip',
    description:
      'The zip holds composer.json at its root or inside a single top-level folder. The package name comes from ' +
      'composer.json; the version from the "version" field or composer.json. The archive is served as the dist as uploaded.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['archive'],
      properties: {
        archive: { type: 'string', format: 'binary', description: 'The package zip (at most MAX_ARCHIVE_MB)' },
        version: { type: 'string', example: '2.1.0', description: 'Required when composer.json has no "version"' },
        released_at: { type: 'string', format: 'date-time', description: 'ISO 8601 with time zone; default: now' },
      },
    },
  })
  @ApiCreatedResponse({ type: PublishedVersionDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'version_exists: this version (normalized) is already published',
  })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'archive_too_large: over MAX_ARCHIVE_MB' })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description:
      'archive_not_zip, archive_corrupt, archive_unsafe_path, archive_zip_bomb, composer_json_missing, composer_json_invalid, ' +
      'package_name_missing, package_name_invalid, version_missing, invalid_version, version_mismatch',
  })
  @RequireScope('packages:write')
  async publish(
    @UploadedFile() archive: UploadedArchive | undefined,
    @Body() body: PublishVersionDto,
  ): Promise<PublishedVersionDto> {
    if (!archive) throw new ArchiveMissingError();
    return this.packages.publish({
      archive: { path: archive.path, size: archive.size, sha1: archive.sha1 },
      version: body.version,
      releasedAt: body.released_at,
    });
  }

  @Get()
  @ApiOperation({ summary: 'List packages by name, with their version counts' })
  @ApiOkResponse({ type: PackagePageDto })
  @RequireScope('packages:read')
  async list(@Query() query: ListPackagesQueryDto): Promise<PackagePageDto> {
    return this.packages.list(query);
  }

  @Get(':vendor/:name')
  @ApiOperation({ summary: 'A package with its versions, newest first' })
  @ApiOkResponse({ type: PackageDetailDto })
  @RequireScope('packages:read')
  async get(@Param('vendor') vendor: string, @Param('name') name: string): Promise<PackageDetailDto> {
    return this.packages.get(packageNameOf(vendor, name));
  }

  @Delete(':vendor/:name/versions/*version')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Delete one version and its archive; the version may be given as published (v1.0.0) or normalized (1.0.0.0)',
  })
  @ApiParam({
    name: 'version',
    example: '1.0.0',
    description: 'URL-encode branch names with a slash (dev-feature%2Fx)',
  })
  @ApiNoContentResponse()
  @RequireScope('packages:write')
  async deleteVersion(
    @Param('vendor') vendor: string,
    @Param('name') name: string,
    @Param('version') version: string[] | string,
  ): Promise<void> {
    await this.packages.deleteVersion(packageNameOf(vendor, name), joinSegments(version));
  }

  @Delete(':vendor/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a package with all its versions and archives' })
  @ApiNoContentResponse()
  @RequireScope('packages:write')
  async deletePackage(@Param('vendor') vendor: string, @Param('name') name: string): Promise<void> {
    await this.packages.deletePackage(packageNameOf(vendor, name));
  }
}
