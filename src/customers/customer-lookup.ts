import { EntityManager } from 'typeorm';
import { nextChangeStamp } from '../common/change-clock';
import { ID_PATTERN } from '../common/ids';
import { CustomerNotFoundError } from './customers.errors';
import { Customer } from './customer.entity';

/** Moves the customer's Last-Modified forward: call in every transaction that changes their access. */
export async function markAccessChanged(manager: EntityManager, customerId: string): Promise<void> {
  await manager.update(Customer, { id: customerId }, { accessChangedAt: await nextChangeStamp(manager) });
}

/**
 * Shared by every module that acts on a customer's sub-resources. `lock` takes a row lock so
 * concurrent status changes and grants on one customer serialize instead of interleaving.
 */
export async function findCustomerOrFail(manager: EntityManager, id: string, lock = false): Promise<Customer> {
  if (!ID_PATTERN.test(id)) throw new CustomerNotFoundError(`with id "${id}"`);
  const customer = await manager.findOne(Customer, {
    where: { id },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  if (!customer) throw new CustomerNotFoundError(`with id "${id}"`);
  return customer;
}
