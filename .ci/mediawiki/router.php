<?php
// Router for PHP's built-in server in front of Debian's MediaWiki: /wiki/Title short URLs go
// to index.php (MediaWiki reads the title from REQUEST_URI via $wgArticlePath); everything
// else (api.php, load.php, static files) is served as usual.
$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';
if (strncmp($path, '/wiki/', 6) === 0 || $path === '/wiki') {
    $_SERVER['SCRIPT_NAME'] = '/index.php';
    $_SERVER['SCRIPT_FILENAME'] = $_SERVER['DOCUMENT_ROOT'] . '/index.php';
    $_SERVER['PHP_SELF'] = '/index.php';
    chdir($_SERVER['DOCUMENT_ROOT']);
    require $_SERVER['DOCUMENT_ROOT'] . '/index.php';
    return true;
}
return false;
