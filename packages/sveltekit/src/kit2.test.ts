import { describeAdapterOn } from "../test/describe-adapter";

// SvelteKit 2, installed as the devDependency @sveltejs/kit-2 (see test/fixture/vite.kit2.config.js).
await describeAdapterOn(2);
