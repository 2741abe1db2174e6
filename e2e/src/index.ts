export { launchChromium } from "./browser.js";
export { describeQuickstart } from "./quickstart.js";
export { describeStore } from "./store-suite.js";
