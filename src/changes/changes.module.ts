import { Global, Module } from '@nestjs/common';
import { ChangeBus } from './change-bus.service';
import { ChangeDoor } from './change-door.service';
import { ChangeListener } from './change-listener.service';

/** The one door for changes, and how committed changes reach this instance's caches. */
@Global()
@Module({
  providers: [ChangeBus, ChangeDoor, ChangeListener],
  exports: [ChangeBus, ChangeDoor, ChangeListener],
})
export class ChangesModule {}
