/**
 * A sleep that another part of the same component can cut short: the bus loop sleeps until the next
 * device is due, and a new write, a new device or stop() wakes it at once.
 */
export class WakeableSleep {
  private wakeCurrent: (() => void) | null = null;
  private wakePending = false;

  sleep(ms: number): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.wakeCurrent === done) self.wakeCurrent = null;
        resolve();
      }
      this.wakeCurrent = done;
    });
  }

  wake(): void {
    if (this.wakeCurrent) this.wakeCurrent();
    else this.wakePending = true;
  }
}
