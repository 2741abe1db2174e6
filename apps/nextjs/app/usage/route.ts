// "Record an API call": one usage event of the signed-in user, counted by their "Demo API Calls"
// meter, then back to the account page, which reads the meter live.
import { recordApiCall } from "@polar-kit/example-store/usage";
import { seeOther } from "@/lib/http";
import { polar, reportPolarFailure } from "@/lib/polar";
import { problemResponse } from "@/lib/problem";
import { currentUser } from "@/lib/session";

export async function POST(): Promise<Response> {
  const user = await currentUser();
  if (!user) return seeOther("/login?next=/account");
  try {
    await recordApiCall(polar(), user.id);
  } catch (error) {
    return problemResponse(502, "Usage was not recorded", reportPolarFailure(error, "record usage"));
  }
  return seeOther("/account");
}
