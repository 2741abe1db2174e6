import type { NextRequest } from "next/server";
import { seeOther, siteOrigin } from "@/lib/http";
import { endSession } from "@/lib/session";

export function POST(request: NextRequest): Response {
  return endSession(seeOther("/"), siteOrigin(request));
}
