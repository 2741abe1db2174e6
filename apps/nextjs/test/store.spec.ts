// The shared store suite (e2e/src/store-suite.ts) against this app's build: real Chromium, the emulator, the app.
import { describeStore } from "@polar-kit/e2e";

describeStore("nextjs");
