const { jestProject } = require('../jest.base.cjs');

module.exports = jestProject('outlook-addin', __dirname);
