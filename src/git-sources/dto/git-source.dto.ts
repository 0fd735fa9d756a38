import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsDefined,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageDtoOf } from '../../common/pagination.dto';
import { MAX_GIT_URL_LENGTH } from '../git-url';
import { REF_OUTCOMES, RefOutcome, SYNC_STATUSES, SYNC_TRIGGERS, SyncStatus, SyncTrigger } from '../git-sync.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Either an HTTPS password/token (with an optional username) or an SSH private key: exactly one of the two. */
export class GitCredentialsDto {
  @ApiPropertyOptional({
    example: 'x-access-token',
    maxLength: 200,
    description:
      'HTTPS username; default "x-access-token" (works with GitHub and GitLab tokens; Bitbucket app passwords need your username)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[^:\s]+$/, { message: 'username may not contain ":" or whitespace' })
  username?: string;

  @ApiPropertyOptional({
    example: 'ghp_…',
    maxLength: 4000,
    description: 'HTTPS access token or password (for https:// URLs)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  password?: string;

  @ApiPropertyOptional({
    example: '-----BEGIN OPENSSH PRIVATE KEY-----\n…\n-----END OPENSSH PRIVATE KEY-----\n',
    maxLength: 20000,
    description:
      'SSH private key without a passphrase, e.g. a read-only deploy key (for ssh:// and git@host:path URLs)',
  })
  @IsOptional()
  @IsString()
  @Matches(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, { message: 'ssh_key must be a PEM/OpenSSH private key' })
  @MaxLength(20000)
  ssh_key?: string;
}

export class CreateGitSourceDto {
  @ApiProperty({
    example: 'https://github.com/acme/widget.git',
    maxLength: MAX_GIT_URL_LENGTH,
    description: 'Any Git URL the server can reach: https://…, ssh://…, git@host:path or file:///…',
  })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_GIT_URL_LENGTH)
  url: string;

  @ApiPropertyOptional({ type: GitCredentialsDto, description: 'Stored encrypted; never returned' })
  @IsOptional()
  @ValidateNested()
  @Type(() => GitCredentialsDto)
  credentials?: GitCredentialsDto;
}

export class UpdateGitSourceDto {
  @ApiProperty({ type: GitCredentialsDto, nullable: true, description: 'New credentials, or null to remove them' })
  @IsDefined({ message: 'credentials is required (null removes them)' })
  @ValidateIf((_dto, value) => value !== null)
  @ValidateNested()
  @Type(() => GitCredentialsDto)
  credentials: GitCredentialsDto | null;
}

export class RefReportDto {
  @ApiProperty({ example: 'refs/tags/v2.3.0', description: 'The ref, or the version when its ref is gone' })
  ref: string;

  @ApiProperty({ example: 'v2.3.0', nullable: true, type: String })
  version: string | null;

  @ApiProperty({ enum: REF_OUTCOMES })
  outcome: RefOutcome;

  @ApiProperty({
    example: 'the tag (2.3.0.0) does not match the version (2.2.0.0) in composer.json',
    nullable: true,
    type: String,
  })
  message: string | null;
}

export class GitSyncDto {
  @ApiProperty({ example: 'sync_4Fz9Qk2LmN8pR1sT6vW0' })
  id: string;

  @ApiProperty({ example: 'repo_4Fz9Qk2LmN8pR1sT6vW0' })
  repository_id: string;

  @ApiProperty({
    enum: SYNC_STATUSES,
    description: 'queued and running end in succeeded (per-ref problems are in refs) or failed',
  })
  status: SyncStatus;

  @ApiProperty({ enum: SYNC_TRIGGERS })
  trigger: SyncTrigger;

  @ApiProperty({ format: 'date-time' })
  requested_at: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  started_at: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finished_at: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'fetch failed: remote: Invalid username or password.',
    description: 'Why the whole sync failed; the previous versions were kept',
  })
  error: string | null;

  @ApiProperty({ type: [RefReportDto], description: 'What happened to each tag and branch' })
  refs: RefReportDto[];
}

export class GitSourceDto {
  @ApiProperty({ example: 'repo_4Fz9Qk2LmN8pR1sT6vW0' })
  id: string;

  @ApiProperty({ example: 'https://github.com/acme/widget.git' })
  url: string;

  @ApiProperty({ example: 'acme/widget', description: 'From composer.json on the default branch' })
  package: string;

  @ApiProperty({ example: 'main', nullable: true, type: String })
  default_branch: string | null;

  @ApiProperty({
    enum: ['password', 'ssh_key'],
    nullable: true,
    description: 'Which credentials are stored (never the credentials)',
  })
  credentials: 'password' | 'ssh_key' | null;

  @ApiProperty({ example: 'https://packages.example.com/webhooks/git/repo_4Fz9Qk2LmN8pR1sT6vW0' })
  webhook_url: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({
    type: GitSyncDto,
    nullable: true,
    description: 'The latest finished sync: its time, outcome and per-ref messages',
  })
  last_sync: GitSyncDto | null;

  @ApiProperty({ type: GitSyncDto, nullable: true, description: 'A sync queued or running now' })
  pending_sync: GitSyncDto | null;
}

export class CreatedGitSourceDto extends GitSourceDto {
  @ApiProperty({ example: 'whs_…', description: 'Secret of the push webhook: shown in this response only' })
  webhook_secret: string;
}

export class WebhookSecretDto {
  @ApiProperty({ example: 'repo_4Fz9Qk2LmN8pR1sT6vW0' })
  repository_id: string;

  @ApiProperty({ example: 'https://packages.example.com/webhooks/git/repo_4Fz9Qk2LmN8pR1sT6vW0' })
  webhook_url: string;

  @ApiProperty({
    example: 'whs_…',
    description: 'The new secret: shown in this response only; the old one stops working',
  })
  webhook_secret: string;
}

export class GitSourcePageDto extends PageDtoOf(GitSourceDto) {}

export class GitWebhookDeliveryDto {
  @ApiProperty({ example: true })
  received: boolean;

  @ApiProperty({
    example: 'sync_4Fz9Qk2LmN8pR1sT6vW0',
    nullable: true,
    type: String,
    description: 'The sync this push joined; null for a ping',
  })
  sync_id: string | null;
}
