package io.tollgate.testing.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (Debian's {@code /usr/bin/chromium} through {@code /usr/bin/chromedriver}),
 * for a whole test class: starting one costs about a second, a fresh tab per test costs little.
 * {@link #start(String)} skips the test (a JUnit assumption) only when the browser is not installed;
 * {@code .ci/run} installs it, so CI never skips.
 *
 * <p>What tests use: {@link #open}, {@link #await} and {@link #find} to drive a page, {@link
 * #install(InjectedWallet)} for a wallet that signs with anvil, {@link #screenshot} (each step,
 * under {@code target/browser-screenshots/<suite>/}), {@link #axeViolations} for an accessibility
 * check with the axe-core of {@code node_modules}, {@link #consoleErrors}, {@link #cdp} for anything else.
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM = Path.of(System.getProperty("tollgate.chromium", "/usr/bin/chromium"));
  public static final Path CHROMEDRIVER = Path.of(System.getProperty("tollgate.chromedriver", "/usr/bin/chromedriver"));
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

  private final ChromeDriver driver;
  private final Path screenshots;
  private int shot;

  private Browser(ChromeDriver driver, Path screenshots) {
    this.driver = driver;
    this.screenshots = screenshots;
  }

  /** Whether Chromium and its driver are installed here. */
  public static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /**
   * A headless Chromium whose screenshots go to {@code target/browser-screenshots/<suite>/}; skips
   * the calling test when Chromium is absent.
   */
  public static Browser start(String suite) {
    Assumptions.assumeTrue(available(), "Chromium is not installed (apt-get install chromium chromium-driver)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1024,900", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--disable-background-networking", "--disable-sync", "--disable-component-update",
        // one renderer process may host a cross-site iframe, so an injected wallet reaches it too
        "--disable-site-isolation-trials", "--disable-features=IsolateOrigins,site-per-process");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    Path dir = projectDir().resolve("target/browser-screenshots").resolve(suite);
    try {
      Files.createDirectories(dir);
      try (var old = Files.newDirectoryStream(dir, "*.png")) {
        for (Path png : old) Files.delete(png); // this run's screenshots only
      }
    } catch (IOException e) {
      driver.quit();
      throw new UncheckedIOException(e);
    }
    return new Browser(driver, dir);
  }

  public WebDriver driver() {
    return driver;
  }

  /** A Chrome DevTools Protocol command on the current tab. */
  public Map<String, Object> cdp(String method, Map<String, Object> params) {
    return driver.executeCdpCommand(method, params);
  }

  /**
   * Injects {@code wallet} into every frame loaded from now on (before the page's scripts), and lets
   * it reach anvil past the page's Content-Security-Policy (a real wallet talks to its node from
   * the extension, outside the page, so the page's {@code connect-src} never concerns it).
   */
  public void install(InjectedWallet wallet) {
    cdp("Page.setBypassCSP", Map.of("enabled", true));
    cdp("Page.addScriptToEvaluateOnNewDocument", Map.of("source", wallet.script()));
  }

  /** Runs {@code source} in every frame before its own scripts, for recording (CSP violations, messages). */
  public void beforeEachDocument(String source) {
    cdp("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source));
  }

  /**
   * Continues in a fresh tab and closes the others: a clean page without the scripts, wallet or
   * CSP bypass an earlier test installed (those belong to a tab).
   */
  public void newTab() {
    String old = driver.getWindowHandle();
    driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
    String fresh = driver.getWindowHandle();
    for (String handle : driver.getWindowHandles()) {
      if (!handle.equals(fresh)) {
        driver.switchTo().window(handle).close();
      }
    }
    driver.switchTo().window(fresh);
    if (old.equals(fresh)) throw new IllegalStateException("no new tab");
  }

  public void open(String url) {
    driver.get(url);
  }

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  public Object jsAsync(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** Waits (30 s) until {@code condition} gives a non-null, non-false value, and returns it. */
  public <T> T await(String what, Function<WebDriver, T> condition) {
    return await(what, DEFAULT_WAIT, condition);
  }

  public <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
    WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
    // pages that re-render replace elements between finding and reading them: look again
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    wait.withMessage(() -> what + "; page text: " + safeText());
    return wait.until(condition::apply);
  }

  /** The visible element matching {@code css}, once there is one. */
  public WebElement find(String css) {
    return await("element " + css, d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return found.stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
    });
  }

  /**
   * Types {@code text} into the visible field matching {@code css}, found again if the page
   * re-rendered it meanwhile, until the field holds exactly that text.
   */
  public void type(String css, String text) {
    await("type into " + css, d -> {
      for (WebElement e : d.findElements(By.cssSelector(css))) {
        try {
          if (!e.isDisplayed()) continue;
          if (!text.equals(e.getDomProperty("value"))) {
            e.clear();
            e.sendKeys(text);
          }
          return text.equals(e.getDomProperty("value")) ? true : null;
        } catch (org.openqa.selenium.StaleElementReferenceException rerendered) {
          return null;
        }
      }
      return null;
    });
  }

  /** Clicks the visible element matching {@code css} once it is enabled (found again if the page re-rendered it). */
  public void click(String css) {
    await("click " + css, d -> {
      for (WebElement e : d.findElements(By.cssSelector(css))) {
        if (e.isDisplayed() && e.isEnabled()) {
          e.click();
          return true;
        }
      }
      return null;
    });
  }

  /** The text of the visible element matching {@code css} (read again if the page re-rendered it). */
  public String text(String css) {
    return await("text of " + css, d -> {
      for (WebElement e : d.findElements(By.cssSelector(css))) {
        if (e.isDisplayed()) return e.getText();
      }
      return null;
    });
  }

  /** Waits until the text of an element matching {@code css} contains {@code text}; returns that element. */
  public WebElement awaitText(String css, String text) {
    return await("text '" + text + "' in " + css, d -> {
      for (WebElement e : d.findElements(By.cssSelector(css))) {
        if (e.getText().contains(text)) return e;
      }
      return null;
    });
  }

  /**
   * As {@link #awaitText}, returning the element's whole text read at that moment: safe on a page
   * that re-renders (the element itself may be replaced right after).
   */
  public String awaitTextContaining(String css, String text) {
    return await("text '" + text + "' in " + css, d -> {
      for (WebElement e : d.findElements(By.cssSelector(css))) {
        String seen = e.getText();
        if (seen.contains(text)) return seen;
      }
      return null;
    });
  }

  /** Saves a PNG of the current viewport as {@code NN-name.png}; returns its path. */
  public Path screenshot(String name) {
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    Path file = screenshots.resolve(String.format("%02d-%s.png", ++shot, name.replaceAll("[^A-Za-z0-9_-]", "_")));
    try {
      Files.write(file, png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * Runs axe-core (from {@code node_modules/axe-core}) on the current document and returns the
   * violations of at least {@code minimumImpact} ({@code "serious"} gives serious and critical), as
   * "id (impact): help: targets" lines.
   */
  @SuppressWarnings("unchecked")
  public List<String> axeViolations(String minimumImpact) {
    Path axe = projectDir().resolve("node_modules/axe-core/axe.min.js");
    try {
      js(Files.readString(axe));
    } catch (IOException e) {
      throw new UncheckedIOException("axe-core is not installed (npm install)", e);
    }
    Object result = jsAsync("""
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] })
          .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
              targets: v.nodes.map(n => n.target.join(' ')).join(', ') }))))
          .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), targets: '' }]));""");
    List<String> levels = List.of("minor", "moderate", "serious", "critical");
    int minimum = levels.indexOf(minimumImpact);
    List<String> violations = new ArrayList<>();
    for (Map<String, Object> v : (List<Map<String, Object>>) result) {
      if (levels.indexOf(String.valueOf(v.get("impact"))) >= minimum) {
        violations.add(v.get("id") + " (" + v.get("impact") + "): " + v.get("help") + ": " + v.get("targets"));
      }
    }
    return violations;
  }

  /** The browser console's errors since the last call (SEVERE entries). */
  public List<String> consoleErrors() {
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) errors.add(entry.getMessage());
    }
    return errors;
  }

  private String safeText() {
    try {
      return driver.findElement(By.tagName("body")).getText().replace('\n', ' ');
    } catch (RuntimeException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  static Path projectDir() {
    return Path.of(System.getProperty("tollgate.project.dir", new File("").getAbsolutePath()));
  }

  @Override
  public void close() {
    driver.quit();
  }
}
