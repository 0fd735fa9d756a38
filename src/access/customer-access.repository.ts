import { Injectable } from '@nestjs/common';
import { ChangeDoor } from '../changes/change-door.service';
import { CatalogRepository, CatalogRows, RawCatalog } from '../packages/catalog.repository';
import { CustomerAccessState, GrantRule, VersionRef } from './visibility';

/** What decides one customer's view, as stored: their status and subscription end, grants and pins. */
export interface CustomerAccess extends CustomerAccessState {
  id: string;
  accessChangedAt: Date;
  grants: GrantRule[];
  pins: VersionRef[];
}

interface RawAccess {
  id: string;
  status: CustomerAccess['status'];
  onExpiry: CustomerAccess['onExpiry'];
  /** A string inside JSON, a Date from a plain column. */
  expiresAt: string | Date | null;
  accessChangedAt: string | Date;
  grants: GrantRule[];
  pins: VersionRef[];
}

const GRANTS_JSON = `(SELECT coalesce(json_agg(json_build_object('packageName', g."package_name", 'constraint', g."constraint")), '[]')
                        FROM "access_grants" g WHERE g."customer_id" = c."id")`;
const PINS_JSON = `(SELECT coalesce(json_agg(json_build_object('packageName', f."package_name", 'versionNormalized', f."version_normalized")), '[]')
                      FROM "frozen_versions" f WHERE f."customer_id" = c."id")`;

function hydrateAccess(raw: RawAccess): CustomerAccess {
  return {
    id: raw.id,
    status: raw.status,
    onExpiry: raw.onExpiry,
    expiresAt: raw.expiresAt ? new Date(raw.expiresAt) : null,
    accessChangedAt: new Date(raw.accessChangedAt),
    grants: raw.grants,
    pins: raw.pins,
  };
}

/**
 * The access rules' tables (`access_grants`, `frozen_versions`) read together with the columns of
 * `customers` that decide access, for the Composer views: one round trip per customer (or per batch).
 * Only reads; customers are written by CustomerRepository, grants and pins by their repositories.
 */
@Injectable()
export class CustomerAccessRepository {
  constructor(
    private readonly door: ChangeDoor,
    private readonly catalog: CatalogRepository,
  ) {}

  /**
   * One customer's access and, in the same query, the catalog entries of their packages except
   * `knownPackages` (those the caller has in memory). Null when the customer does not exist.
   */
  async loadWithCatalog(
    customerId: string,
    knownPackages: string[],
  ): Promise<{ access: CustomerAccess; catalog: Map<string, CatalogRows> } | null> {
    const [row]: Array<{ customer: RawAccess | null } & RawCatalog> = await this.door.manager.query(
      `WITH names AS (
           SELECT "package_name" FROM "access_grants" WHERE "customer_id" = $1
           UNION SELECT "package_name" FROM "frozen_versions" WHERE "customer_id" = $1
         ), wanted AS (SELECT "package_name" FROM names WHERE NOT ("package_name" = ANY($2::varchar[])))
         SELECT
           (SELECT json_build_object('id', c."id", 'status', c."status", 'expiresAt', c."expires_at",
                                     'onExpiry', c."on_expiry", 'accessChangedAt', c."access_changed_at",
                                     'grants', ${GRANTS_JSON}, 'pins', ${PINS_JSON})
              FROM "customers" c WHERE c."id" = $1) AS customer,
           ${this.catalog.selectSql('IN (SELECT "package_name" FROM wanted)')}`,
      [customerId, knownPackages],
    );
    if (!row.customer) return null;
    return { access: hydrateAccess(row.customer), catalog: this.catalog.hydrate(row) };
  }

  /** The access of these customers (missing ones left out), in one query. */
  async loadMany(customerIds: string[]): Promise<CustomerAccess[]> {
    const rows: RawAccess[] = await this.door.manager.query(
      `SELECT c."id", c."status", c."expires_at" AS "expiresAt", c."on_expiry" AS "onExpiry",
              c."access_changed_at" AS "accessChangedAt", ${GRANTS_JSON} AS "grants", ${PINS_JSON} AS "pins"
         FROM "customers" c WHERE c."id" = ANY($1::varchar[])`,
      [customerIds],
    );
    return rows.map(hydrateAccess);
  }
}
