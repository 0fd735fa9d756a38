import { ApiProperty, PickType } from '@nestjs/swagger';
import { CUSTOMER_STATUSES, CustomerStatus, effectiveStatus, ON_EXPIRY_ACTIONS, OnExpiry } from '../customer-status';
import { Customer } from '../customer.entity';
import { PageDtoOf } from '../../common/pagination.dto';

export const BILLING_DECISIONS_IN_FORCE = ['admin_hold', 'billing', 'none'] as const;
export type BillingDecisionInForce = (typeof BILLING_DECISIONS_IN_FORCE)[number];

/** Whose decision the status is, and what billing calls for. */
export class CustomerBillingDto {
  @ApiProperty({
    enum: BILLING_DECISIONS_IN_FORCE,
    description:
      'admin_hold: an admin or API key set the status; billing events do not change it until POST …/billing/resume. ' +
      'billing: the status follows the subscriptions (status = billing.status unless expires_at passed). none: billing knows no subscription of this customer',
  })
  decision_in_force: BillingDecisionInForce;

  @ApiProperty({
    enum: CUSTOMER_STATUSES,
    nullable: true,
    description: 'The status the subscriptions call for (also while held); null: none known',
  })
  status: CustomerStatus | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Stripe: subscription sub_1 is past_due (past due since …, grace period of 7 day(s) until …)',
  })
  reason: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When a past-due grace period ends and billing looks again',
  })
  grace_ends_at: string | null;

  @ApiProperty({
    nullable: true,
    type: Number,
    example: null,
    description: 'Per-customer grace period in days; null: BILLING_GRACE_DAYS',
  })
  grace_days: number | null;

  static from(customer: Customer): CustomerBillingDto {
    return {
      decision_in_force: customer.billingHold ? 'admin_hold' : customer.billingStatus ? 'billing' : 'none',
      status: customer.billingStatus,
      reason: customer.billingReason,
      grace_ends_at: customer.billingReviewAt ? customer.billingReviewAt.toISOString() : null,
      grace_days: customer.billingGraceDays,
    };
  }
}

export class CustomerDto {
  @ApiProperty({ example: 'cust_4Fz9Qk2LmN8pR1sT6vW0' })
  id: string;

  @ApiProperty({ example: 'Acme Corporation' })
  name: string;

  @ApiProperty({ example: 'dev@acme.com' })
  email: string;

  @ApiProperty({ example: 'stripe_cus_abc123', nullable: true, type: String })
  external_id: string | null;

  @ApiProperty({
    enum: CUSTOMER_STATUSES,
    example: 'active',
    description: 'As applied right now: a passed expires_at counts even before the expiry sweep records it',
  })
  status: CustomerStatus;

  @ApiProperty({ nullable: true, type: String, example: null })
  status_reason: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: null })
  expires_at: string | null;

  @ApiProperty({ enum: ON_EXPIRY_ACTIONS, example: 'freeze' })
  on_expiry: OnExpiry;

  @ApiProperty({ example: true, description: 'May create and revoke their own tokens in the customer portal' })
  portal_token_self_service: boolean;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: null })
  status_changed_at: string | null;

  @ApiProperty({ type: CustomerBillingDto })
  billing: CustomerBillingDto;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  static from(customer: Customer, now: Date): CustomerDto {
    return {
      id: customer.id,
      name: customer.name,
      email: customer.email,
      external_id: customer.externalId,
      status: effectiveStatus(customer, now),
      status_reason: customer.statusReason,
      expires_at: customer.expiresAt ? customer.expiresAt.toISOString() : null,
      on_expiry: customer.onExpiry,
      portal_token_self_service: customer.portalTokenSelfService,
      status_changed_at: customer.statusChangedAt ? customer.statusChangedAt.toISOString() : null,
      billing: CustomerBillingDto.from(customer),
      created_at: customer.createdAt.toISOString(),
      updated_at: customer.updatedAt.toISOString(),
    };
  }
}

/** The seed's creation response: exactly these fields, with the only copy of the token. */
export class CreatedCustomerDto extends PickType(CustomerDto, [
  'id',
  'name',
  'email',
  'external_id',
  'status',
  'created_at',
] as const) {
  @ApiProperty({ example: 'tok_3kQ9xZ...', description: 'Shown only in this response; store it now' })
  token: string;

  /** `now` decides the status in force, exactly as the GET right after creation will. */
  static fromCreated(customer: Customer, token: string, now: Date): CreatedCustomerDto {
    return {
      id: customer.id,
      name: customer.name,
      email: customer.email,
      external_id: customer.externalId,
      token,
      status: effectiveStatus(customer, now),
      created_at: customer.createdAt.toISOString(),
    };
  }
}

export class CustomerPageDto extends PageDtoOf(CustomerDto) {}
