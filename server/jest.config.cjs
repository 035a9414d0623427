const { jestProject } = require('../jest.base.cjs');

module.exports = jestProject('server', __dirname);
