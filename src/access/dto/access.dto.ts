import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CustomerDto } from '../../customers/dto/customer-response.dto';
import { IsPackageName, PACKAGE_NAME_MAX_LENGTH, PACKAGE_NAME_PATTERN_SOURCE } from '../../packages/package-name';
import { AccessGrant } from '../access-grant.entity';
import { FrozenVersion } from '../frozen-version.entity';

export class GrantAccessDto {
  @ApiProperty({ example: 'vendor/package', pattern: PACKAGE_NAME_PATTERN_SOURCE, maxLength: PACKAGE_NAME_MAX_LENGTH })
  @IsString()
  @IsPackageName()
  package: string;

  @ApiProperty({
    example: '^2.0',
    description: 'A Composer version constraint: *, ^2.0, ~1.2, >=1.0 <3.0, 1.0.*, 2.0.0, ^1.0 || ^2.0, …',
    maxLength: 500,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  constraint: string;
}

export class GrantDto {
  @ApiProperty({ example: 'vendor/package' })
  package: string;

  @ApiProperty({ example: '^2.0' })
  constraint: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  static from(grant: AccessGrant): GrantDto {
    return {
      package: grant.packageName,
      constraint: grant.constraint,
      created_at: grant.createdAt.toISOString(),
      updated_at: grant.updatedAt.toISOString(),
    };
  }
}

export class PackageVersionDto {
  @ApiProperty({ example: 'vendor/package', pattern: PACKAGE_NAME_PATTERN_SOURCE, maxLength: PACKAGE_NAME_MAX_LENGTH })
  @IsString()
  @IsPackageName()
  package: string;

  @ApiProperty({ example: '2.0.0', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  version: string;
}

export class FreezeCustomerDto {
  @ApiProperty({
    type: [PackageVersionDto],
    required: false,
    description: 'The exact (package, version) pairs the customer keeps; without it, every version they can access now',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => PackageVersionDto)
  versions?: PackageVersionDto[];

  @ApiProperty({
    required: false,
    example: 'Subscription ended',
    maxLength: 1000,
    description: 'Kept for the admin; never shown to the customer',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class FrozenVersionDto {
  @ApiProperty({ example: 'vendor/package' })
  package: string;

  @ApiProperty({ example: '2.0.0' })
  version: string;

  static from(frozen: FrozenVersion): FrozenVersionDto {
    return { package: frozen.packageName, version: frozen.version };
  }
}

export class FrozenCustomerDto extends CustomerDto {
  @ApiProperty({ type: [FrozenVersionDto] })
  frozen_versions: FrozenVersionDto[];
}
