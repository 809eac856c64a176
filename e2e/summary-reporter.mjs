// Prints one plain, machine-readable line at the end of the run:
//   e2e: N passed, M failed
// (Playwright's own "2 passed (2.5s)" is not recognised by CI; a run with zero
// tests must still be visible.) Skipped/flaky counts go on a separate line.
export default class SummaryReporter {
  onBegin(config, suite) {
    this.suite = suite;
  }

  printsToStdio() {
    return false;
  }

  onEnd(result) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let flaky = 0;
    for (const test of this.suite ? this.suite.allTests() : []) {
      switch (test.outcome()) {
        case 'expected':
          passed += 1;
          break;
        case 'flaky':
          passed += 1;
          flaky += 1;
          break;
        case 'skipped':
          skipped += 1;
          break;
        default:
          failed += 1;
      }
    }
    // A run that failed outside any test (webServer, config, global setup) counts as a failure.
    if (failed === 0 && result.status !== 'passed') failed = 1;
    if (skipped || flaky) console.log(`e2e: ${skipped} skipped, ${flaky} flaky`);
    console.log(`e2e: ${passed} passed, ${failed} failed`);
  }
}
