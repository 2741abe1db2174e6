import { describeQuickstart } from "@polar-kit/e2e";

describeQuickstart("nextjs");
