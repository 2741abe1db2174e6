declare global {
  namespace App {
    interface Locals {
      user?: { id: string; email: string };
    }
    interface Platform {
      env: { POLAR_ACCESS_TOKEN?: string };
    }
  }
}

export {};
