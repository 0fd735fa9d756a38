import { SetMetadata } from '@nestjs/common';

export const PACKYARD_EVENT_HANDLER = 'packyard:event-handler';

/**
 * Marks a provider method as a handler of Packyard events of these types (`*` for all). It gets
 * the event (`PackyardEvent`); throwing makes the event be delivered again later.
 */
export const OnPackyardEvent = (...types: string[]) => SetMetadata(PACKYARD_EVENT_HANDLER, types);
