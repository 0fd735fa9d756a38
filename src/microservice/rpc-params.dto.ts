import { IsString, MaxLength, MinLength } from 'class-validator';

/** Route parameters of message patterns: what the HTTP API takes from the path. */
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
  external_id: string;
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
  token_id: string;
}

export class PackageParams {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  package: string;
}

export class PackageVersionParams extends PackageParams {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  version: string;
}
