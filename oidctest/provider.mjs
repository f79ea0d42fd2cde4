// An OpenID-certified provider (npm oidc-provider) for the console's browser tests. Its development
// sign-in form takes any password; the login name picks one of the accounts below.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const consoleURL = process.env.CONSOLE_URL;
const issuer = `http://127.0.0.1:${port}`;
const accounts = {
  ada: { email: "ada@example.com", name: "Ada Admin", groups: ["share-admins"] },
  hal: { email: "hal@example.com", name: "Hal Helpdesk", groups: ["helpdesk"] },
  sam: { email: "sam@example.com", name: "Sam Sharer", groups: ["staff"] },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: "console",
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [`${consoleURL}/auth/callback`],
    post_logout_redirect_uris: [`${consoleURL}/signed-out`],
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  }],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
  scopes: ["openid", "email", "profile", "groups"],
  conformIdTokenClaims: false, // put the requested claims in the ID token, as most corporate providers do
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: [process.env.COOKIE_KEY || "test-only-cookie-key"] },
  async findAccount(_ctx, id) {
    const a = accounts[id];
    if (!a) return undefined;
    return { accountId: id, async claims() { return { sub: id, email: a.email, email_verified: true, name: a.name, groups: a.groups }; } };
  },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => console.log("ready " + issuer));
