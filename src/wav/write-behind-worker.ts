// The thread behind WriteBehind: writes each filled slot at its file position, in order, until told to stop.
import { workerData } from 'node:worker_threads';
import { writeFully } from './fd-io.js';
import { CONTROL, type WriteBehindShared } from './write-behind.js';

const { fd, control, lengths, positions, slots, slotBytes, errorCode } = workerData as WriteBehindShared;
const slotCount = lengths.length;
const slotViews = Array.from({ length: slotCount }, (_, index) => new Uint8Array(slots, index * slotBytes, slotBytes));
const encoder = new TextEncoder();

for (;;) {
  const submitted = Atomics.load(control, CONTROL.submitted);
  const completed = Atomics.load(control, CONTROL.completed);
  if (completed === submitted) {
    if (Atomics.load(control, CONTROL.stop) === 1) break;
    Atomics.wait(control, CONTROL.submitted, submitted);
    continue;
  }
  const slot = completed % slotCount;
  // after a failure the remaining slots are only acknowledged, so the writer never waits forever
  if (Atomics.load(control, CONTROL.failed) === 0) {
    try {
      writeFully(fd, slotViews[slot]!, 0, lengths[slot]!, positions[slot]!);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      errorCode.set(encoder.encode(code).subarray(0, errorCode.length));
      Atomics.store(control, CONTROL.failed, 1);
    }
  }
  Atomics.add(control, CONTROL.completed, 1);
  Atomics.notify(control, CONTROL.completed);
}
