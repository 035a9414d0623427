// `testTimeout` is a global jest option (ignored inside `projects`): real clients need longer.
jest.setTimeout(120_000);
