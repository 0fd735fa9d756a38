import { Injectable } from '@nestjs/common';
import { CreatedCustomer, Customer, Grant, PackyardClient } from '@packyard/client';

export interface NewSubscription {
  name: string;
  email: string;
  package: string;
  constraint: string;
}

/** What a billing system does with Packyard: open a subscription, react to payments. */
@Injectable()
export class SubscriptionsService {
  constructor(private readonly packyard: PackyardClient) {}

  async subscribe(
    input: NewSubscription,
  ): Promise<{ customer: Omit<CreatedCustomer, 'token'>; grant: Grant; token: string }> {
    const { token, ...customer } = await this.packyard.createCustomer({ name: input.name, email: input.email });
    const grant = await this.packyard.grantAccess(customer.id, input.package, input.constraint);
    return { customer, grant, token };
  }

  paymentFailed(customerId: string): Promise<Customer> {
    return this.packyard.suspendCustomer(customerId, 'Payment failed');
  }

  paymentRecovered(customerId: string): Promise<Customer> {
    return this.packyard.reactivateCustomer(customerId);
  }
}
