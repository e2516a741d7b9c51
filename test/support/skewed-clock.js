// Preloaded with `node -r` into a service a test runs as a child process: the whole process's
// clock (Date.now, new Date()) is off by KLEPAAS_TEST_CLOCK_SKEW_MS, as a host with a wrong clock
// would be. The database's clock is not: that is the point.
const skew = Number(process.env.KLEPAAS_TEST_CLOCK_SKEW_MS || 0);
if (skew) {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + skew);
      else super(...args);
    }
    static now() {
      return RealDate.now() + skew;
    }
  }
  globalThis.Date = SkewedDate;
}
