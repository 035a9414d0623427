// office-addin-mock needs only this enum from office-addin-manifest, whose dependency chain ends
// in an ESM-only package jest on Node 20 cannot require (outlook.md §2.6).
module.exports = {
  OfficeApp: {
    Excel: 'excel',
    OneNote: 'onenote',
    Outlook: 'outlook',
    PowerPoint: 'powerpoint',
    Project: 'project',
    Word: 'word',
  },
};
