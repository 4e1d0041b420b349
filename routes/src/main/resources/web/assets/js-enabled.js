// Marks the page as having JavaScript before it is drawn, as GOV.UK Frontend expects (a file, not an inline
// script, so the pages' Content-Security-Policy needs no exception).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
