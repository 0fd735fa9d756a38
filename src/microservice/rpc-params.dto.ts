import { IsString, MaxLength, MinLength } from 'class-validator';

/** Route parameters of message patterns: what the HTTP API takes from the path, under the same names. */
export class CustomerParams {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  id: string;
}

export class ExternalIdParams {
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  externalId: string;
}

export class CustomerPackageParams extends CustomerParams {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  package: string;
}

export class CustomerTokenParams extends CustomerParams {
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  tokenId: string;
}

/** A package as in the HTTP path: /packages/{vendor}/{name}. */
export class PackageParams {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  vendor: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;
}

export class PackageVersionParams extends PackageParams {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  version: string;
}
